#!/usr/bin/env python3
"""ci_run.py - run the CI templates' shell steps as their CI would.

  ci_run.py github ACTION_YML STATE_JSON [input=value ...]
      Runs a composite action's steps in order, like a GitHub runner: each
      `run` step with its shell (bash: bash --noprofile --norc -eo pipefail),
      its `env` with ${{ inputs.* }} and ${{ steps.*.outputs.* }} filled in,
      GITHUB_OUTPUT read back into steps.<id>.outputs, `if` conditions
      evaluated (always(), ==, !=, &&, ||); after a failed step only steps
      whose condition has always() run. A `uses` step is not run: its
      evaluated `with` is recorded in STATE_JSON. Exit status: the job's
      (0, or the first failed step's).

  ci_run.py gitlab TEMPLATE_YML USER_YML JOB STATE_JSON
      Loads USER_YML (whose `include: local:` is TEMPLATE_YML), resolves
      `extends`, merges variables (template, then job), runs JOB's script
      lines in one `bash -eo pipefail` shell in the current directory, like
      a GitLab runner, and records the job (artifacts) in STATE_JSON.

The environment (PATH with the tests' sudo/apt-get shims, GITHUB_*,
RUNNER_TEMP, CI_PROJECT_DIR) comes from the caller. Nothing here knows
what the templates do: it only runs them.
"""
import json
import os
import re
import subprocess
import sys

import yaml

EXPR = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


def value(name, ctx):
    """inputs.x or steps.id.outputs.x -> string ('' when unset)."""
    parts = name.split(".")
    if parts[0] == "inputs" and len(parts) == 2:
        return ctx["inputs"].get(parts[1], "")
    if parts[0] == "steps" and len(parts) == 4 and parts[2] == "outputs":
        return ctx["steps"].get(parts[1], {}).get(parts[3], "")
    raise SystemExit("ci_run: unsupported expression %r" % name)


def evaluate(expr, ctx):
    """A GitHub expression as Python: names become string literals."""
    def name(m):
        return repr(value(m.group(0), ctx))
    py = re.sub(r"\b(inputs|steps)\.[A-Za-z0-9_.-]+", name, expr)
    py = py.replace("always()", "True").replace("&&", " and ").replace("||", " or ")
    py = re.sub(r"!(?!=)", " not ", py)
    return eval(py, {"__builtins__": {}}, {})


def fill(text, ctx):
    return EXPR.sub(lambda m: str(evaluate(m.group(1), ctx)), str(text))


def github(action, state_path, args):
    doc = yaml.safe_load(open(action))
    assert doc["runs"]["using"] == "composite", "not a composite action"
    inputs = {k: str(v.get("default", "")) for k, v in doc.get("inputs", {}).items()}
    for a in args:
        k, _, v = a.partition("=")
        if k not in inputs:
            raise SystemExit("ci_run: the action has no input %r" % k)
        inputs[k] = v
    ctx = {"inputs": inputs, "steps": {}}
    state = {"steps": [], "uses": []}
    status = 0
    for i, step in enumerate(doc["runs"]["steps"]):
        cond = step.get("if", "")
        cond_s = str(cond)
        if status != 0 and "always()" not in cond_s:
            state["steps"].append({"name": step.get("name"), "ran": False})
            continue
        if cond and not evaluate(cond_s.replace("${{", "").replace("}}", ""), ctx):
            state["steps"].append({"name": step.get("name"), "ran": False})
            continue
        if "uses" in step:
            state["uses"].append({"uses": step["uses"],
                                  "with": {k: fill(v, ctx) for k, v in step.get("with", {}).items()}})
            state["steps"].append({"name": step.get("name"), "ran": "recorded"})
            continue
        shell = step.get("shell")
        assert shell == "bash", "step %d: shell %r (composite run steps need one)" % (i, shell)
        env = dict(os.environ)
        env.update({k: fill(v, ctx) for k, v in step.get("env", {}).items()})
        out = os.path.join(os.environ["RUNNER_TEMP"], "github_output_%d" % i)
        open(out, "w").close()
        env["GITHUB_OUTPUT"] = out
        print("::group::%s" % step.get("name"), flush=True)
        rc = subprocess.call(["bash", "--noprofile", "--norc", "-eo", "pipefail",
                              "-c", fill(step["run"], ctx)], env=env)
        print("::endgroup:: exit %d" % rc, flush=True)
        outputs = {}
        for line in open(out):
            k, sep, v = line.rstrip("\n").partition("=")
            if sep:
                outputs[k] = v
        if "id" in step:
            ctx["steps"][step["id"]] = outputs
        state["steps"].append({"name": step.get("name"), "ran": True, "exit": rc,
                               "outputs": outputs})
        if rc != 0 and status == 0:
            status = rc
    state["outputs"] = {k: fill(v["value"], ctx) for k, v in doc.get("outputs", {}).items()}
    state["status"] = status
    json.dump(state, open(state_path, "w"), indent=1)
    return status


def merge(base, over):
    out = dict(base)
    for k, v in over.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = merge(out[k], v)
        else:
            out[k] = v
    return out


def gitlab(template, user, job_name, state_path):
    doc = yaml.safe_load(open(user))
    includes = doc.pop("include", [])
    merged = {}
    for inc in includes if isinstance(includes, list) else [includes]:
        assert "local" in inc, "only include: local is supported"
        merged = merge(merged, yaml.safe_load(open(template)))
    merged = merge(merged, doc)
    job = merged[job_name]
    seen = set()
    while "extends" in job:
        parent = job.pop("extends")
        assert parent not in seen
        seen.add(parent)
        job = merge(merged[parent], job)
    variables = dict(merged.get("variables", {}))
    variables.update(job.get("variables", {}))
    env = dict(os.environ)
    env.update({k: str(v) for k, v in variables.items()})
    script = "\n".join(job["script"])
    rc = subprocess.call(["bash", "-eo", "pipefail", "-c", script], env=env)
    json.dump({"job": job, "variables": variables, "status": rc},
              open(state_path, "w"), indent=1)
    return rc


def main():
    if len(sys.argv) >= 4 and sys.argv[1] == "github":
        return github(sys.argv[2], sys.argv[3], sys.argv[4:])
    if len(sys.argv) == 6 and sys.argv[1] == "gitlab":
        return gitlab(*sys.argv[2:6])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
