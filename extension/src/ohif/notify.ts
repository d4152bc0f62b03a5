import { Services } from './ohifTypes';

/** A notification in OHIF's corner, titled XAI-CLIP. */
export function notify(
  services: Services,
  type: 'error' | 'warning' | 'info' | 'success',
  message: string,
): void {
  services.uiNotificationService?.show({ title: 'XAI-CLIP', message, type, duration: 6000 });
}
