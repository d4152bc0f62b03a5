import React from 'react';
import { getMethod } from '../engine/methods';
import { MethodParameter } from '../engine/methods/PerturbationMethod';
import type { PanelSettings } from '../ohif/panelState';
import { ChoiceField } from './ChoiceField';
import { NumberField } from './NumberField';

/**
 * One field per parameter the chosen method declares in the registry: a new declared parameter
 * appears here, with its label, range and help, without a panel edit.
 */
export function DeclaredParameters({
  settings,
  onChange,
}: {
  settings: PanelSettings;
  onChange: (patch: Partial<PanelSettings>) => void;
}): React.JSX.Element {
  const method = getMethod(settings.method);
  const values = settings.methodOptions[settings.method] ?? {};
  const defaults = method.defaults as Record<string, number | string>;
  const set = (key: string, value: number | string) =>
    onChange({
      methodOptions: { ...settings.methodOptions, [settings.method]: { ...values, [key]: value } },
    });
  return (
    <>
      {method.parameters.map((parameter: MethodParameter) => {
        const value = values[parameter.key] ?? defaults[parameter.key];
        const dataCy = `xai-option-${parameter.key}`;
        return parameter.kind === 'choice' ? (
          <ChoiceField
            key={parameter.key}
            label={parameter.label}
            dataCy={dataCy}
            value={String(value)}
            choices={parameter.choices!.map((choice) => [choice, choice] as const)}
            onChange={(choice) => set(parameter.key, choice)}
          />
        ) : (
          <NumberField
            key={parameter.key}
            label={parameter.label}
            dataCy={dataCy}
            title={parameter.help}
            value={Number(value)}
            min={parameter.min ?? 0}
            max={parameter.max}
            step={parameter.kind === 'integer' ? 1 : 'any'}
            onChange={(number) => set(parameter.key, number)}
          />
        );
      })}
    </>
  );
}
