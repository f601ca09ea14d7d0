"""Writes the shell scripts embedded in CI files out as files, for shellcheck.

    python workflow_scripts.py OUT_DIR FILE...

GitHub workflows: every `run:` whose shell is bash or sh (bash when none is named), with each
`${{ ... }}` expression replaced by a plain word, as the runner substitutes it before the shell
sees the script. GitLab CI: each job's before_script, script and after_script, run by one
bash. Prints the paths written, one a line.
"""

import pathlib
import re
import sys

import yaml

EXPRESSION = re.compile(r"\$\{\{.*?\}\}", re.DOTALL)
SHELLS = {"bash": "bash", "sh": "sh"}


def github_scripts(workflow):
    default_shell = ((workflow.get("defaults") or {}).get("run") or {}).get("shell")
    for job_name, job in (workflow.get("jobs") or {}).items():
        job_shell = ((job.get("defaults") or {}).get("run") or {}).get("shell") or default_shell
        for index, step in enumerate(job.get("steps") or []):
            if "run" not in step:
                continue
            shell = (step.get("shell") or job_shell or "bash").split()[0]
            if shell in SHELLS:
                yield f"{job_name}-{index}", SHELLS[shell], EXPRESSION.sub("GITHUB_EXPRESSION", step["run"])


def gitlab_scripts(pipeline):
    for job_name, job in pipeline.items():
        if not isinstance(job, dict) or "script" not in job:
            continue
        lines = []
        for key in ("before_script", "script", "after_script"):
            value = job.get(key) or []
            lines.extend([value] if isinstance(value, str) else value)
        yield job_name, "bash", "\n".join(lines)


def main(out_dir, *files):
    out = pathlib.Path(out_dir)
    for name in files:
        path = pathlib.Path(name)
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        scripts = gitlab_scripts(document) if path.name == ".gitlab-ci.yml" else github_scripts(document)
        for label, shell, text in scripts:
            target = out / f"{str(path).replace('/', '_')}--{label}.sh"
            # Where the script came from, for shellcheck's messages.
            target.write_text(f"#!/usr/bin/env {shell}\n# {path} {label}\n{text}\n", encoding="utf-8")
            print(target)


if __name__ == "__main__":
    main(*sys.argv[1:])
