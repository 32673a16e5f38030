import { describe, expect, it } from 'vitest';
import type { PondMemberShape } from '../../../contract/index';
import { emptyForm, errorsByField, formFromMember, inputFromForm } from './form';

describe('host form', () => {
  it('starts empty with port 22 and the given pond', () => {
    expect(emptyForm('alpha')).toEqual({ pond: 'alpha', slug: '', host: '', port: '22', user: '', identityFile: '', expose: '' });
  });

  it('turns blank exposed ports into none, anything else into one --expose value', () => {
    expect(inputFromForm({ ...emptyForm('a'), expose: '  ' }).expose).toEqual([]);
    expect(inputFromForm({ ...emptyForm('a'), expose: '8080, 9090' }).expose).toEqual(['8080, 9090']);
  });

  it('prefills from a hand-added member and round-trips', () => {
    const member: Extract<PondMemberShape, { origin: 'manual' }> = {
      origin: 'manual',
      id: 'man_1',
      slug: 'db',
      leaseID: 'man_1',
      provider: 'ssh',
      pond: 'alpha',
      transport: 'ssh',
      endpoint: 'ssh://db.lan:2222',
      manual: { host: 'db.lan', port: 2222, user: 'ops', ports: [5432, 8080] },
    };
    const form = formFromMember('alpha', member);
    expect(form).toEqual({ pond: 'alpha', slug: 'db', host: 'db.lan', port: '2222', user: 'ops', identityFile: '', expose: '5432,8080' });
    expect(inputFromForm(form)).toEqual({ pond: 'alpha', slug: 'db', host: 'db.lan', port: '2222', user: 'ops', identityFile: '', expose: ['5432,8080'] });
  });

  it('groups errors by field, joining several for one field', () => {
    expect(errorsByField([{ field: 'host', message: 'a' }, { field: 'port', message: 'b' }, { field: 'host', message: 'c' }])).toEqual({ host: 'a; c', port: 'b' });
  });
});
