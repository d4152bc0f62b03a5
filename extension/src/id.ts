/** Extension id; every module entry is `xai-clip.<moduleType>.<name>`. */
export const id = 'xai-clip';
export const panelId = `${id}.panelModule.xaiClip`;
