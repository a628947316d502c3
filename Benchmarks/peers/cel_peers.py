"""Times the CEL bench set (cel_bench.json) in two peer runtimes, compile once, evaluate many:

  cel-cpp:    Google's C++ runtime through its Python wrapper (PyPI cel-expr-python), with
              the strings and optional extensions; each object is bound once in an
              Activation and the compiled expression is evaluated against it.
  cel-python: the pure-Python runtime (PyPI cel-python, module celpy), its default
              interpreted runner; each object is converted once with json_to_cel.

Expressions marked kubernetesOnly (quantity) are skipped, as are those whose `skip` names
the runtime. Every evaluation from here pays the Python call into the runtime; the
`baseline` expression (`true`) measures that per-call cost.

Prints one JSON line per runtime and expression: runtime, name, and either ns per
evaluation (best of ROUNDS rounds of about SECONDS each), evaluations per round and the
result as plain JSON data, or `skipped` / `error` with the reason.

usage: cel_peers.py BENCH_JSON [SECONDS] [ROUNDS]
"""
import itertools
import json
import sys
import time


def measure(loop, target, rounds):
    """Best ns per evaluation: calibrate the count to about `target` seconds a round."""
    n = 1
    t = loop(n)
    while t < target / 10:
        n *= max(2, min(10, int(target / 10 / t) + 1)) if t > 0 else 10
        t = loop(n)
    n = max(1, int(n * target / t))
    best = min(loop(n) for _ in range(rounds))
    return best / n * 1e9, n


class CelCpp:
    name = "cel-cpp"

    def __init__(self):
        from cel_expr_python import cel
        from cel_expr_python.ext import ext_optional, ext_strings

        self.env = cel.NewEnv(
            variables={"object": cel.Type.DYN, "oldObject": cel.Type.DYN},
            extensions=[ext_strings.ExtStrings(), ext_optional.ExtOptional()],
        )

    def prepare(self, text, bindings):
        """Compiles `text` and binds the objects; returns (evaluate once, timing loop)."""
        expr = self.env.compile(text)
        activation = self.env.Activation(bindings)
        evaluate = expr.eval

        def once():
            return evaluate(activation).plain_value()

        def loop(n):
            start = time.perf_counter()
            for _ in itertools.repeat(None, n):
                evaluate(activation)
            return time.perf_counter() - start

        return once, loop


class CelPython:
    name = "cel-python"

    def __init__(self):
        import logging

        import celpy

        logging.disable(logging.CRITICAL)  # celpy logs every evaluation error
        self.celpy = celpy
        self.env = celpy.Environment()

    def prepare(self, text, bindings):
        celpy = self.celpy
        program = self.env.program(self.env.compile(text))
        activation = {k: celpy.json_to_cel(v) for k, v in bindings.items()}
        evaluate = program.evaluate

        def once():
            result = evaluate(activation)
            if isinstance(result, celpy.CELEvalError):
                raise RuntimeError(repr(result))
            return plain(result)

        def loop(n):
            start = time.perf_counter()
            for _ in itertools.repeat(None, n):
                evaluate(activation)
            return time.perf_counter() - start

        return once, loop


def plain(value):
    """celpy's CEL types (BoolType is an int) as plain JSON data."""
    from celpy import celtypes

    if value is None:
        return None
    if isinstance(value, celtypes.BoolType):
        return bool(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, str):
        return str(value)
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    return repr(value)


def main(path, target, rounds):
    with open(path) as f:
        bench = json.load(f)
    objects = bench["objects"]
    entries = [bench["baseline"]] + bench["expressions"]
    for runtime_class in (CelCpp, CelPython):
        try:
            runtime = runtime_class()
        except Exception as e:  # the package is missing or broken: say so, go on
            for entry in entries:
                emit(runtime_class.name, entry["name"], error=f"unavailable: {e}")
            continue
        for entry in entries:
            name = entry["name"]
            if entry.get("kubernetesOnly"):
                emit(runtime.name, name, skipped="Kubernetes-only library (quantity)")
                continue
            reason = entry.get("skip", {}).get(runtime.name)
            if reason:
                emit(runtime.name, name, skipped=reason)
                continue
            bindings = {"object": objects[entry["object"]]}
            if "oldObject" in entry:
                bindings["oldObject"] = objects[entry["oldObject"]]
            try:
                once, loop = runtime.prepare(entry["expr"], bindings)
                result = once()
            except Exception as e:
                emit(runtime.name, name, error=f"{type(e).__name__}: {e}")
                continue
            ns, n = measure(loop, target, rounds)
            emit(runtime.name, name, ns=round(ns, 1), n=n, result=result)


def emit(runtime, name, **fields):
    print(json.dumps({"runtime": runtime, "name": name, **fields}), flush=True)


if __name__ == "__main__":
    main(
        sys.argv[1],
        float(sys.argv[2]) if len(sys.argv) > 2 else 0.2,
        int(sys.argv[3]) if len(sys.argv) > 3 else 3,
    )
