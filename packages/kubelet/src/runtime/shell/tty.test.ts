import { describe, expect, it } from 'vitest';
import { CaptureOutput, Pipe, readLine } from './io.ts';
import { LineDiscipline, translateNewlines } from './tty.ts';

function terminal() {
  const keys = new Pipe();
  const echo = new CaptureOutput();
  const discipline = new LineDiscipline(keys.input, echo);
  return { keys: keys.output, close: () => keys.closeWrite(), echo, discipline };
}

describe('tty line discipline', () => {
  it('turns every newline into CR LF on output', () => {
    expect(translateNewlines(Buffer.from('a\nb\n')).toString()).toBe('a\r\nb\r\n');
    expect(translateNewlines(Buffer.from('none')).toString()).toBe('none');
  });

  it('echoes keystrokes and delivers a line when Enter (CR) is pressed', async () => {
    const t = terminal();
    await t.keys.write('ls -l\r');
    expect(await readLine(t.discipline)).toBe('ls -l');
    expect(t.echo.text()).toBe('ls -l\n');
  });

  it('edits the line with backspace (whole UTF-8 characters) and Ctrl-U', async () => {
    const t = terminal();
    await t.keys.write('ab€\x7f\x7fc\r');
    expect(await readLine(t.discipline)).toBe('ac');
    await t.keys.write('junk\x15ok\r');
    expect(await readLine(t.discipline)).toBe('ok');
  });

  it('drops arrow-key escape sequences', async () => {
    const t = terminal();
    await t.keys.write('a\x1b[Ab\x1bOC\r');
    expect(await readLine(t.discipline)).toBe('ab');
  });

  it('calls the interrupt handler on Ctrl-C even while nobody reads, discarding the line', async () => {
    const t = terminal();
    let interrupts = 0;
    t.discipline.onInterrupt = () => interrupts++;
    await t.keys.write('half\x03');
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(interrupts).toBe(1);
    expect(t.echo.text()).toBe('half^C\n');
    await t.keys.write('next\r');
    expect(await readLine(t.discipline)).toBe('next');
  });

  it('reports end of input for Ctrl-D on an empty line, and reading can go on afterwards', async () => {
    const t = terminal();
    await t.keys.write('\x04after\r');
    expect(await t.discipline.read()).toBeNull();
    expect(await readLine(t.discipline)).toBe('after');
    t.close();
    expect(await t.discipline.read()).toBeNull();
  });
});
