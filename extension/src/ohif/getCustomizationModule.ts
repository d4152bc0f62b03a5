import { toolbarButtonsId } from '../id';
import { toolbarButtons } from './toolbarButtons';

/**
 * Default-scope customizations: the extension's toolbar buttons, which a mode composes by
 * reference (`toolbarButtons: [{ $reference: toolbarButtonsId }]`) and a site can extend or
 * replace, as OHIF's own extensions offer theirs.
 */
export function getCustomizationModule() {
  return [{ name: 'default', value: { [toolbarButtonsId]: toolbarButtons } }];
}
