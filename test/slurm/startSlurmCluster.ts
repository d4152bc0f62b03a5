import { ChildProcess, execFile, spawn } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { setTimeout as sleep } from 'timers/promises';
import { promisify } from 'util';
import { waitFor } from './waitFor';

const execFileAsync = promisify(execFile);

/** A single-node Slurm cluster on loopback, every file of it in one folder. */
export interface SlurmCluster {
  /** The environment a Slurm client (sbatch, squeue, scontrol) needs: SLURM_CONF. */
  env: NodeJS.ProcessEnv;
  /** Runs a Slurm client command against this cluster; its stdout, trimmed. */
  run(command: string, ...args: string[]): Promise<string>;
  /** Cancels every job and stops slurmd, slurmctld and munged; waits for them to exit. */
  stop(): Promise<void>;
}

const DAEMONS = ['munged', 'mungekey', 'slurmctld', 'slurmd', 'sbatch'];
const CPUS = 2;

/**
 * Starts munged (own key and socket), slurmctld and slurmd (-D, a generated slurm.conf: one node
 * "localhost" with 2 CPUs, partition "debug", free loopback ports, every state, spool, log and PID
 * path under `folder`) as the current user, and waits for the node to be idle. Installs nothing:
 * Debian's slurmctld, slurmd, slurm-client and munge must be there. Slurm runs jobs as their
 * submitter, so the daemons need root (CI containers run as root).
 */
export async function startSlurmCluster(folder: string): Promise<SlurmCluster> {
  // Debian puts the daemons in /usr/sbin, which a non-login shell's PATH may lack.
  const PATH = [process.env.PATH, '/usr/sbin', '/sbin'].filter(Boolean).join(path.delimiter);
  const missing = DAEMONS.filter((program) => !onPath(program, PATH));
  if (missing.length) {
    throw new Error(
      `${missing.join(', ')} not found. Install Debian's Slurm and MUNGE: apt-get install -y slurmctld slurmd slurm-client munge`,
    );
  }
  if (process.getuid?.() !== 0) {
    throw new Error(
      'The Slurm test starts slurmd, which runs jobs as their submitter and so needs root; run it as root (as CI does) or in a root container.',
    );
  }
  // munged refuses a socket folder that others cannot enter, or that others may write to.
  fs.chmodSync(folder, 0o755);
  const dirs = Object.fromEntries(
    ['munge', 'state', 'spool', 'log', 'run'].map((name) => [name, path.join(folder, name)]),
  );
  for (const dir of Object.values(dirs)) fs.mkdirSync(dir, { mode: 0o755 });
  const socket = path.join(dirs.munge, 'munge.socket');
  const conf = path.join(folder, 'slurm.conf');
  const env = { ...process.env, PATH, SLURM_CONF: conf };
  const daemons: ChildProcess[] = [];
  const daemon = (program: string, args: string[]) => {
    const log = fs.openSync(path.join(dirs.log, `${program}.out`), 'a');
    const child = spawn(program, args, { env, stdio: ['ignore', log, log] });
    fs.closeSync(log);
    daemons.push(child);
  };
  const run = async (command: string, ...args: string[]) =>
    (await execFileAsync(command, args, { env })).stdout.trim();
  const stop = async () => {
    // Jobs left by a failed check, so that no task outlives the cluster (by id: scancel --user
    // took a minute here with nothing to cancel).
    const jobs = await run('squeue', '--noheader', '--format=%A').catch(() => '');
    if (jobs) {
      await run('scancel', ...new Set(jobs.split(/\s+/))).catch(() => undefined);
      const drained = async () => (await run('squeue', '--noheader').catch(() => '')) === '';
      await waitFor(drained, 30_000, 'the cancelled jobs to end').catch(() => undefined);
    }
    // Last started, first stopped: slurmd, slurmctld, then munged, which they authenticate with.
    for (const child of daemons.reverse()) {
      if (child.exitCode !== null || child.signalCode !== null) continue;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      // The timer does not hold the process open once every daemon has exited.
      const tooLate = sleep(10_000, undefined, { ref: false }).then(() => child.kill('SIGKILL'));
      await Promise.race([exited, tooLate]);
    }
  };

  try {
    await run('mungekey', '--create', '--force', `--keyfile=${path.join(dirs.munge, 'munge.key')}`);
    daemon('munged', [
      '--foreground',
      `--socket=${socket}`,
      `--key-file=${path.join(dirs.munge, 'munge.key')}`,
      `--pid-file=${path.join(dirs.run, 'munged.pid')}`,
      `--seed-file=${path.join(dirs.munge, 'munged.seed')}`,
      `--log-file=${path.join(dirs.log, 'munged.log')}`,
    ]);
    await waitFor(() => fs.existsSync(socket), 10_000, `munged's socket ${socket}`);
    const [controllerPort, nodePort] = [await freePort(), await freePort()];
    fs.writeFileSync(conf, slurmConf({ dirs, socket, controllerPort, nodePort }));
    daemon('slurmctld', ['-D', '-f', conf]);
    daemon('slurmd', ['-D', '-N', 'localhost', '-f', conf]);
    await waitFor(
      async () => (await run('sinfo', '--noheader', '--format=%t').catch(() => '')) === 'idle',
      60_000,
      `the Slurm node to be idle (logs in ${dirs.log})`,
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { env, run, stop };
}

function slurmConf(settings: {
  dirs: Record<string, string>;
  socket: string;
  controllerPort: number;
  nodePort: number;
}): string {
  const { dirs, socket, controllerPort, nodePort } = settings;
  const user = os.userInfo().username;
  return `${[
    'ClusterName=xaiclip',
    'SlurmctldHost=localhost(127.0.0.1)',
    `SlurmctldPort=${controllerPort}`,
    `SlurmdPort=${nodePort}`,
    'AuthType=auth/munge',
    'CredType=cred/munge',
    `AuthInfo=socket=${socket}`,
    `SlurmUser=${user}`,
    `SlurmdUser=${user}`,
    `StateSaveLocation=${dirs.state}`,
    `SlurmdSpoolDir=${dirs.spool}`,
    `SlurmctldPidFile=${path.join(dirs.run, 'slurmctld.pid')}`,
    `SlurmdPidFile=${path.join(dirs.run, 'slurmd.pid')}`,
    `SlurmctldLogFile=${path.join(dirs.log, 'slurmctld.log')}`,
    `SlurmdLogFile=${path.join(dirs.log, 'slurmd.log')}`,
    // No cgroups in a container: processes tracked by parentage, tasks not bound.
    'ProctrackType=proctrack/linuxproc',
    'TaskPlugin=task/none',
    'SelectType=select/cons_tres',
    'SelectTypeParameters=CR_CPU',
    'JobAcctGatherType=jobacct_gather/none',
    'AccountingStorageType=accounting_storage/none',
    'MpiDefault=none',
    'ReturnToService=2',
    'MailProg=/bin/true',
    `NodeName=localhost NodeAddr=127.0.0.1 CPUs=${CPUS} State=UNKNOWN`,
    'PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP',
  ].join('\n')}\n`;
}

function onPath(program: string, PATH: string): boolean {
  return PATH.split(path.delimiter).some((dir) => fs.existsSync(path.join(dir, program)));
}

/** A loopback port nobody listens on now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
