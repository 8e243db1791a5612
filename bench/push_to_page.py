"""From `git push` to a deployed page: the steps of deploy.yml's build job that can be
timed on this machine. Prints figures; asserts nothing.

It runs `mkstatus init` from a wheel of the checkout's last commit (requirements.txt then
names a wheel inside the site, as for an author running mkstatus from a checkout), adds
N incidents (as bench/build_scale.py makes them), and times, for each of ``--repeat``
rounds:

1. a fresh virtualenv (what actions/setup-python gives from the runner's tool cache);
2. `pip install -r requirements.txt` with an empty pip cache (the first run, or a run
   after requirements.txt changed: everything is downloaded from PyPI);
3. the same into another fresh virtualenv with the pip cache that step 2 filled (what
   setup-python's `cache: pip` restores in every later run: nothing is downloaded);
4. the installed virtualenv restored as actions/cache restores it (the workflows cache
   `~/.mkstatus-venv`, keyed on Python and requirements.txt): a tar compressed with
   zstd, as actions/cache makes it, unpacked where it was made; then the install step's
   own check that it works (`python -c "import mkstatus"`), all that step does on a hit;
5. `mkstatus check` (check.yml on pull requests; the deploy build validates too);
6. `mkstatus build` in a fresh clone: without `.mkstatus-cache`, and with the last run's
   restored (the workflows cache it too); neither has a previous `site/` to link;
7. the size of the Pages artifact: `site/` as upload-pages-artifact packs it (tar), and
   that tar gzipped (about what is uploaded).

Where pip finds its wheels in a local folder or mirror (``pip config list``), nothing
is downloaded and the cache has nothing to save: the two installs then time the same
work (unpacking, compiling bytecode), and "fetch the wheels alone" times a fetch from
that mirror, with the total size that a runner downloads from PyPI without the cache.

Not measurable here: GitHub's queueing before each job starts, the checkout, restoring
and saving the pip cache (a download and upload of the size printed), the artifact
upload, and deploy-pages (the deploy job's own queueing and Pages' publication).

    .venv/bin/python bench/push_to_page.py               # N = 100, 3 rounds
    .venv/bin/python bench/push_to_page.py -n 1000 --repeat 5
"""

from __future__ import annotations

import argparse
import gzip
import os
import random
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

from build_scale import NOW, incident_text


def timed(*cmd: str | Path, cwd: Path, env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run([str(c) for c in cmd], cwd=cwd, env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True)
    if done.returncode:
        raise SystemExit(f"{' '.join(map(str, cmd))} failed:\n{done.stdout[-3000:]}")
    return time.perf_counter() - start


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def artifact_sizes(site: Path, tmp: Path) -> tuple[int, int]:
    """upload-pages-artifact's tar of the site, and that tar gzipped (level 6)."""
    tar = tmp / "artifact.tar"
    with tarfile.open(tar, "w") as archive:
        for path in sorted(site.rglob("*")):
            archive.add(path, arcname=str(path.relative_to(site)), recursive=False)
    data = tar.read_bytes()
    return len(data), len(gzip.compress(data, compresslevel=6))


def make_site(root: Path, n: int, tmp: Path, env: dict[str, str]) -> None:
    """`mkstatus init` run by an author who installed this checkout as a wheel (so its
    requirements.txt names that wheel and pins the dependencies it installed), then N
    incidents."""
    repo = Path(__file__).resolve().parent.parent
    source = tmp / "source"  # the committed tree: a wheel built in place leaves build/
    source.mkdir()
    archive = subprocess.run(["git", "-C", str(repo), "archive", "HEAD"], check=True,
                             capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(source)], input=archive, check=True)
    timed(sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", tmp / "dist", source,
          cwd=tmp, env=env)
    author = tmp / "author"
    timed(sys.executable, "-m", "venv", author, cwd=tmp, env=env)
    (wheel,) = (tmp / "dist").glob("mkstatus-*.whl")
    timed(author / "bin" / "python", "-m", "pip", "install", "-q", wheel, cwd=tmp,
          env={**env, "PIP_CACHE_DIR": str(tmp / "author-cache")})
    timed(author / "bin" / "mkstatus", "init", root, "--timezone", "UTC", cwd=tmp, env=env)
    rng = random.Random(n)
    for i in range(n):
        stem, text = incident_text(rng, i, 3)
        for index, cid in enumerate(("website", "api", "support")):  # init's components
            text = text.replace(f"c{index}", cid)
        (root / "incidents" / f"{stem}.md").write_text(text)


def row(name: str, values: list[float]) -> str:
    return (f"| {name:<52} | {statistics.median(values):7.2f} s | {min(values):6.2f} | "
            f"{max(values):6.2f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", type=int, default=100, help="incidents (default 100)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if k not in ("SOURCE_DATE_EPOCH",
                                                             "MKSTATUS_NOW", "PIP_CACHE_DIR")}
    env.update(NO_MKDOCS_2_WARNING="1", PIP_DISABLE_PIP_VERSION_CHECK="1")
    venv_env = {k: v for k, v in env.items() if k != "PYTHONPATH"}  # the installed code
    times: dict[str, list[float]] = {}
    print(f"load average before: {os.getloadavg()[0]:.2f} (cores: {os.cpu_count()})")
    with tempfile.TemporaryDirectory(prefix="mkstatus-push-") as name:
        tmp = Path(name)
        site = tmp / "site"
        make_site(site, args.n, tmp, venv_env)
        now = ["--now", NOW.strftime("%Y-%m-%dT%H:%M:%SZ")]
        cache_bytes = wheel_bytes = venv_cache_bytes = 0
        for r in range(args.repeat):
            cache = tmp / f"pip-cache-{r}"
            pip_env = {**venv_env, "PIP_CACHE_DIR": str(cache)}
            for step, warm in (("cold", False), ("warm", True)):
                venv = tmp / f"venv-{r}-{step}"
                times.setdefault("fresh virtualenv", []).append(
                    timed(sys.executable, "-m", "venv", venv, cwd=tmp, env=env))
                python = venv / "bin" / "python"
                label = ("pip install, warm pip cache (every later run)" if warm else
                         "pip install, empty pip cache (first run)")
                times.setdefault(label, []).append(
                    timed(python, "-m", "pip", "install", "-q", "-r", "requirements.txt",
                          cwd=site, env=pip_env))
            cache_bytes = folder_size(cache)
            wheels = tmp / f"wheels-{r}"
            times.setdefault("fetch the wheels alone (pip download)", []).append(
                timed(venv / "bin" / "python", "-m", "pip", "download", "-q", "-d", wheels,
                      "-r", "requirements.txt", cwd=site, env={**venv_env,
                                                               "PIP_NO_CACHE_DIR": "1"}))
            wheel_bytes = folder_size(wheels)
            archive = tmp / f"venv-{r}.tar.zst"
            timed("tar", "--zstd", "-cf", archive, "-C", venv.parent, venv.name, cwd=tmp,
                  env=env)
            venv_cache_bytes = archive.stat().st_size
            shutil.rmtree(venv)
            times.setdefault("restore the virtualenv (actions/cache: unpack)", []).append(
                timed("tar", "--zstd", "-xf", archive, "-C", venv.parent, cwd=tmp, env=env))
            times.setdefault("install step on a cache hit (import check)", []).append(
                timed(venv / "bin" / "python", "-c", "import mkstatus", cwd=site,
                      env=venv_env))
            bin_env = {**venv_env, "PATH": f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"}
            times.setdefault("mkstatus check", []).append(
                timed(venv / "bin" / "mkstatus", "check", *now, cwd=site, env=bin_env))
            for label, keep_cache in (("mkstatus build, fresh clone", False),
                                      ("mkstatus build, .mkstatus-cache restored", True)):
                shutil.rmtree(site / "site", ignore_errors=True)
                if not keep_cache:
                    shutil.rmtree(site / ".mkstatus-cache", ignore_errors=True)
                times.setdefault(label, []).append(
                    timed(venv / "bin" / "mkstatus", "build", *now, cwd=site, env=bin_env))
        tar_bytes, gz_bytes = artifact_sizes(site / "site", tmp)
        files = sum(1 for p in (site / "site").rglob("*") if p.is_file())
    print(f"{args.n} incidents, {args.repeat} rounds; Python {sys.version.split()[0]}")
    print("| step                                                 |  median |    min |    max |")
    print("|------------------------------------------------------|--------:|-------:|-------:|")
    for name, values in times.items():
        print(row(name, values))
    print(f"wheels installed: {wheel_bytes / 1e6:.1f} MB; pip cache that setup-python "
          f"saves and restores: {cache_bytes / 1e6:.1f} MB; the virtualenv as actions/cache "
          f"stores it (tar, zstd): {venv_cache_bytes / 1e6:.1f} MB")
    print(f"pip's configuration here: index {env.get('PIP_INDEX_URL', '(default)')}, "
          f"find-links {env.get('PIP_FIND_LINKS', '(none)')}; see `pip config list`")
    print(f"Pages artifact: {files} files, tar {tar_bytes / 1e6:.2f} MB, "
          f"gzipped {gz_bytes / 1e6:.2f} MB")
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
