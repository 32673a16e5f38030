import { describe, expect, it } from 'vitest';
import { choiceOf, parsePortInput, portPlan } from './port-edit';

describe('parsePortInput', () => {
  it('takes a port from 1024 to 65535', () => {
    expect(parsePortInput(' 15432 ')).toEqual({ ok: true, port: 15432 });
    expect(parsePortInput('1024')).toEqual({ ok: true, port: 1024 });
  });

  it('says in plain words what is wrong with anything else', () => {
    expect(parsePortInput('')).toEqual({ ok: false, problem: 'Enter a port number from 1024 to 65535.' });
    expect(parsePortInput('web')).toEqual({ ok: false, problem: 'Enter a port number from 1024 to 65535.' });
    expect(parsePortInput('80')).toEqual({ ok: false, problem: 'Port 80 cannot be used: choose a number from 1024 to 65535 (lower ones need administrator rights).' });
    expect(parsePortInput('70000')).toMatchObject({ ok: false, problem: expect.stringMatching(/^Port 70000 cannot be used/) });
  });
});

describe('portPlan and choiceOf', () => {
  it('say where a forward will listen', () => {
    expect(portPlan({ chosen: 15432, remembered: 51820 })).toBe('127.0.0.1:15432, chosen by you');
    expect(portPlan({ chosen: null, remembered: 51820 })).toBe('automatic: 127.0.0.1:51820 again if it is free');
    expect(portPlan({ chosen: null, remembered: null })).toBe('automatic: the first free port from 51820');
  });

  it('find one forward in the list', () => {
    const row = { pond: 'alpha', member: 'web', remotePort: 8080, chosen: null, remembered: 51820, localPort: null };
    expect(choiceOf([row], 'web', 8080)).toBe(row);
    expect(choiceOf([row], 'web', 80)).toBeUndefined();
    expect(choiceOf(undefined, 'web', 8080)).toBeUndefined();
  });
});
