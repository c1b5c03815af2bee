import { describe, expect, it } from 'vitest';
import { ConfigError, resolveApiserverConfig } from '../config.ts';
import { admissionSelectionProblems, enabledAdmissionPlugins } from './plugins.ts';

describe('enabledAdmissionPlugins', () => {
  it('runs kube-apiserver\'s defaults, NodeRestriction off, in the fixed order', () => {
    expect(enabledAdmissionPlugins({ enable: [], disable: [] })).toEqual([
      'NamespaceLifecycle',
      'ServiceAccount',
      'CertificateApproval',
      'CertificateSigning',
      'CertificateSubjectRestriction',
    ]);
  });

  it('adds enabled plugins where they belong whatever order the flag names them in, and drops disabled ones', () => {
    expect(enabledAdmissionPlugins({ enable: ['NodeRestriction'], disable: ['ServiceAccount', 'CertificateSigning'] })).toEqual([
      'NamespaceLifecycle',
      'NodeRestriction',
      'CertificateApproval',
      'CertificateSubjectRestriction',
    ]);
  });
});

describe('admissionSelectionProblems', () => {
  it('words unknown and overlapping names as kube-apiserver does', () => {
    expect(admissionSelectionProblems({ enable: ['NodeRestriction', 'PodSecurityPolicy'], disable: ['Nope', 'NodeRestriction'] })).toEqual([
      'enable-admission-plugins plugin "PodSecurityPolicy" is unknown',
      'disable-admission-plugins plugin "Nope" is unknown',
      '[NodeRestriction] in enable-admission-plugins and disable-admission-plugins overlapped',
    ]);
    expect(admissionSelectionProblems({ enable: ['NodeRestriction'], disable: ['ServiceAccount'] })).toEqual([]);
  });

  it('makes an unknown plugin a startup error of the apiserver configuration', () => {
    expect(() => resolveApiserverConfig({ enableAdmissionPlugins: ['Bogus'] })).toThrow(ConfigError);
    expect(() => resolveApiserverConfig({ enableAdmissionPlugins: ['Bogus'] })).toThrow('enable-admission-plugins plugin "Bogus" is unknown');
    expect(resolveApiserverConfig({ enableAdmissionPlugins: ['NodeRestriction'] }).enableAdmissionPlugins).toEqual(['NodeRestriction']);
  });
});
