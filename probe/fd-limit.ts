/**
 * The process's file-descriptor budget: a milestone opens a connection per virtual user, and running out of
 * descriptors half-way would show as connection errors blamed on the target.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

export interface FileDescriptors {
  /** Descriptors the process may have open (the soft `ulimit -n`); Infinity when unlimited. */
  readonly limit: number;
  /** Descriptors open now; 0 when the platform does not say. */
  readonly open: number;
}

/** The soft limit and the descriptors in use, from /proc on Linux, `ulimit -n` elsewhere. */
export function fileDescriptors(): FileDescriptors {
  return { limit: softLimit(), open: openCount() };
}

/**
 * Local ports for outgoing connections (Linux ip_local_port_range), which bounds the connections one address may
 * hold to one server address whatever the descriptor limit; Infinity when the platform does not say.
 */
export function localPortRange(): number {
  try {
    const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    return high >= low ? high - low + 1 : Infinity;
  } catch {
    return Infinity;
  }
}

function softLimit(): number {
  try {
    const match = /^Max open files\s+(\S+)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    if (match !== null) return match[1] === 'unlimited' ? Infinity : Number(match[1]);
  } catch {
    // Not Linux: ask a shell, which inherits this process's limits.
  }
  try {
    const text = execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8', timeout: 5_000 }).trim();
    return text === 'unlimited' ? Infinity : Number(text);
  } catch {
    return Infinity;
  }
}

function openCount(): number {
  try {
    return readdirSync('/proc/self/fd').length;
  } catch {
    return 0;
  }
}
