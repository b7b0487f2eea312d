#!/usr/bin/python3
"""The measured runs of bench/daemon.sh (it starts and stops the stack and the daemon; this
script only talks to Glance, reads the conversion log and writes result rows).

  e2e.py daemon   --job J --pair N --file F --declared FMT --target FMT --source-format FMT
                  --log CONVERSIONS --namespace UUID --rows ROWS [--compare] [--warm-up]
  e2e.py baseline --job J --pair N --file F --declared FMT --rows ROWS [--warm-up]
  e2e.py table    --rows ROWS --mode MODE

Every run starts its clock just before the original image is created, as a user's upload
would. "daemon": the original is uploaded and the daemon converts it; the run ends when the
daemon's conversion log has its record (its own timestamp, so no polling delay is added to that
figure); the copy is polled every 0.2 s to note when Glance first says it is active.
"baseline": the original is uploaded, downloaded to a file, and the same bytes uploaded again as
a new image (what `download; qemu-img convert; upload` costs, minus the convert); the run ends
when the re-upload's PUT returns (Glance answers it once the image is active). Baseline images
carry glance_convert_skip=true so the daemon leaves them alone. Everything a run creates in
Glance is deleted at its end.
"""
import argparse
import datetime
import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid

ENV = os.environ
POLL = 0.2


def fail(msg):
    print("e2e.py: " + msg, file=sys.stderr)
    sys.exit(1)


def token(user, password, project):
    body = {"auth": {"identity": {"methods": ["password"], "password": {"user": {
        "name": user, "domain": {"id": "default"}, "password": password}}},
        "scope": {"project": {"name": project, "domain": {"id": "default"}}}}}
    req = urllib.request.Request(ENV["KEYSTONE_URL"] + "/auth/tokens", data=json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(req, timeout=30) as r:
        return r.headers["X-Subject-Token"]


def call(tok, method, path, body=None, ok_404=False, content_type="application/json"):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(ENV["GLANCE_URL"] + path, data=data, method=method,
                                 headers={"X-Auth-Token": tok, "Content-Type": content_type})
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            text = r.read()
            return json.loads(text) if text else None
    except urllib.error.HTTPError as e:
        if ok_404 and e.code == 404:
            return None
        fail("%s %s: HTTP %d %s" % (method, path, e.code, e.read()[:300]))


def curl(*args):
    subprocess.run(["curl", "-sS", "--fail"] + list(args), check=True)


def upload(tok, name, declared, path, extra=None):
    """POST then PUT /file (streamed by curl -T); returns the image id once the PUT returned."""
    body = {"name": name, "disk_format": declared, "container_format": "bare"}
    body.update(extra or {})
    image = call(tok, "POST", "/v2/images", body)
    curl("-o", "/dev/null", "-X", "PUT", "-H", "X-Auth-Token: " + tok, "-H", "Content-Type: application/octet-stream",
         "-T", path, ENV["GLANCE_URL"] + "/v2/images/%s/file" % image["id"])
    return image["id"]


def delete(tok, image_id):
    if image_id:
        call(tok, "DELETE", "/v2/images/" + image_id, ok_404=True)


def load():
    with open("/proc/loadavg") as f:
        return f.read().split()[0]


def row(args, kind, **fields):
    fields.update(job=args.job, pair=args.pair, kind=kind, warm_up=args.warm_up, load=load())
    with open(args.rows, "a") as f:
        f.write(json.dumps(fields) + "\n")


def users():
    demo = token("demo", ENV["DEMO_PASSWORD"], "demo")
    admin = token("glance-convert", ENV["GLANCE_CONVERT_PASSWORD"], "service")
    return demo, admin


def log_record(path, offset, image_id):
    """(record, new offset): the first complete conversion-log line after offset about image_id."""
    if not os.path.exists(path):
        return None, offset
    with open(path, "rb") as f:
        f.seek(offset)
        chunk = f.read()
    end = chunk.rfind(b"\n") + 1
    for line in chunk[:end].splitlines():
        rec = json.loads(line)
        if rec.get("image_id") == image_id and rec.get("action") != "skip":
            return rec, offset + end
    return None, offset + end


def instant(text):
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def phases(daemon_log, image_id, target):
    """(claimed, conversion start, conversion end) as epoch seconds from the daemon's log, or None each."""
    claimed = start = end = None
    if not daemon_log or not os.path.exists(daemon_log):
        return claimed, start, end
    claim_mark = "image %s (" % image_id
    done_mark = "image %s to %s: done, " % (image_id, target)
    with open(daemon_log, errors="replace") as f:
        for line in f:
            if claim_mark in line and " as copy " in line:
                claimed = instant(line.split()[0])
            elif done_mark in line:
                end = instant(line.split()[0])
                seconds = line.rsplit(" in ", 1)[1].split(" s", 1)[0]
                start = end - float(seconds)
    return claimed, start, end


def daemon_run(args):
    demo, admin = users()
    offset = os.path.getsize(args.log) if os.path.exists(args.log) else 0
    name = "bench-%s-%s" % (args.job, args.pair)
    t0 = time.time()
    original = upload(demo, name, args.declared, args.file)
    uploaded = time.time() - t0
    copy_id = str(uuid.uuid5(uuid.UUID(args.namespace), "%s:%s:1" % (original, args.target)))
    active = None
    rec = None
    deadline = t0 + args.timeout
    while rec is None:
        if time.time() > deadline:
            delete(admin, copy_id)
            delete(admin, original)
            fail("%s: no conversion-log record for %s within %d s" % (name, original, args.timeout))
        if active is None:
            copy = call(admin, "GET", "/v2/images/" + copy_id, ok_404=True)
            if copy and copy["status"] == "active":
                active = time.time() - t0
        rec, offset = log_record(args.log, offset, original)
        if rec is None:
            time.sleep(POLL)
    done = instant(rec["time"]) - t0
    claimed, conv_start, conv_end = phases(args.daemon_log, original, args.target)
    rel = lambda t: None if t is None else round(t - t0, 2)
    copy = call(admin, "GET", "/v2/images/" + copy_id, ok_404=True) or {}
    orig = call(admin, "GET", "/v2/images/" + original, ok_404=True) or {}
    result = rec.get("result", "")
    verified = (result.startswith("done") and copy.get("status") == "active"
                and orig.get("glance_convert_state") == "done" and copy.get("disk_format") == args.target
                and bool(copy.get("glance_convert_digest")))
    compare = "not run"
    if args.compare and copy.get("status") == "active":
        out = os.path.join(os.path.dirname(args.rows), "copy.download")
        try:
            curl("-H", "X-Auth-Token: " + admin, "-o", out, ENV["GLANCE_URL"] + "/v2/images/%s/file" % copy_id)
            r = subprocess.run(["qemu-img", "compare", "-q", "-f", args.source_format, "-F", args.target,
                                args.file, out])
            compare = "identical" if r.returncode == 0 else "DIFFERS (qemu-img compare exit %d)" % r.returncode
        finally:
            if os.path.exists(out):
                os.remove(out)
    delete(admin, copy_id)
    delete(admin, original)
    ok = verified and compare in ("identical", "not run")
    row(args, "daemon", uploaded=round(uploaded, 2), active=None if active is None else round(active, 2),
        done=round(done, 2), action=rec.get("action"), result=result, copy=copy_id,
        copy_status=copy.get("status"), copy_format=copy.get("disk_format"),
        virtual_size=copy.get("virtual_size"), digest=copy.get("glance_convert_digest"),
        original_state=orig.get("glance_convert_state"), bytes_in=rec.get("bytes_in"),
        bytes_out=rec.get("bytes_out"), download_ms=rec.get("download_ms"), convert_ms=rec.get("convert_ms"),
        upload_ms=rec.get("upload_ms"), claimed=rel(claimed), conversion_start=rel(conv_start),
        conversion_end=rel(conv_end), compare=compare, ok=ok)
    print("  daemon   %s pair %s: upload %.2f s, copy active %s s, done %.2f s; %s %s -> %s copy %s %s, "
          "digest %s, original %s; qemu-img compare: %s" % (
              args.job, args.pair, uploaded, "?" if active is None else "%.2f" % active, done, rec.get("action"),
              args.declared, copy.get("disk_format"), copy_id, copy.get("status"),
              (copy.get("glance_convert_digest") or "none")[:23], orig.get("glance_convert_state"), compare),
          file=sys.stderr)
    if not ok:
        fail("%s: the daemon's copy is not verified: log result %r, copy %s, compare %s" % (
            name, result, copy.get("status"), compare))


def baseline_run(args):
    demo, _ = users()
    name = "bench-baseline-%s-%s" % (args.job, args.pair)
    skip = {"glance_convert_skip": "true"}
    dl = os.path.join(os.path.dirname(args.rows), "baseline.download")
    ids = []
    try:
        t0 = time.time()
        original = upload(demo, name, args.declared, args.file, skip)
        ids.append(original)
        t_up = time.time()
        curl("-H", "X-Auth-Token: " + demo, "-o", dl, ENV["GLANCE_URL"] + "/v2/images/%s/file" % original)
        t_dl = time.time()
        again = upload(demo, name + "-again", args.declared, dl, skip)
        ids.append(again)
        t_end = time.time()
        a = call(demo, "GET", "/v2/images/" + original)
        b = call(demo, "GET", "/v2/images/" + again)
        same = b["status"] == "active" and b["os_hash_value"] == a["os_hash_value"] and b["size"] == a["size"]
    finally:
        for i in ids:
            delete(demo, i)
        if os.path.exists(dl):
            os.remove(dl)
    row(args, "baseline", uploaded=round(t_up - t0, 2), download=round(t_dl - t_up, 2),
        reupload=round(t_end - t_dl, 2), done=round(t_end - t0, 2), ok=same)
    print("  baseline %s pair %s: upload %.2f s, download %.2f s, re-upload %.2f s = %.2f s; re-upload %s, sha512 %s" % (
        args.job, args.pair, t_up - t0, t_dl - t_up, t_end - t_dl, t_end - t0, b["status"],
        "equal" if same else "DIFFERS"), file=sys.stderr)
    if not same:
        fail("%s: the re-uploaded image is not the original's bytes" % name)


def stats(values):
    v = sorted(x for x in values if x is not None)
    if not v:
        return None, "-"
    n = len(v)
    med = v[n // 2] if n % 2 else (v[n // 2 - 1] + v[n // 2]) / 2
    return med, "%.2f / %.2f / %.2f" % (v[0], med, v[-1])


def table(args):
    rows = []
    if os.path.exists(args.rows):
        with open(args.rows) as f:
            rows = [json.loads(line) for line in f if line.strip()]
    rows = [r for r in rows if not r["warm_up"]]
    jobs = []
    for r in rows:
        if r["job"] not in jobs:
            jobs.append(r["job"])
    print("| job | daemon: upload → copy active s (min/med/max) | daemon: upload → verified, done s (min/med/max) "
          "| download+upload s (min/med/max) | original upload s (med, daemon / baseline) "
          "| ratio (median done / baseline) | copies verified | load avg |")
    print("|---|---|---|---|---|---|---|---|")
    for job in jobs:
        d = [r for r in rows if r["job"] == job and r["kind"] == "daemon"]
        b = [r for r in rows if r["job"] == job and r["kind"] == "baseline"]
        _, active = stats([r["active"] for r in d])
        dmed, done = stats([r["done"] for r in d])
        bmed, base = stats([r["done"] for r in b])
        dup, _ = stats([r["uploaded"] for r in d])
        bup, _ = stats([r["uploaded"] for r in b])
        ratio = "**%.2f**" % (dmed / bmed) if dmed and bmed else "-"
        ups = "%.2f / %.2f" % (dup or 0, bup or 0)
        verified = "%d/%d" % (sum(1 for r in d if r["ok"]), len(d))
        loads = [r["load"] for r in d + b]
        print("| %s | %s | %s | %s | %s | %s | %s | %s-%s |" % (job, active, done, base, ups, ratio, verified,
                                                             loads[0] if loads else "", loads[-1] if loads else ""))
    print()
    print("Where the daemon's time goes (medians, seconds from the start of the upload; from the daemon's log):")
    print()
    print("| job | original uploaded | claimed (notification/poll + inspection) | conversion starts (source digest pass before it) "
          "| conversion streamed into the copy, copy active | verified, original hidden, done |")
    print("|---|---|---|---|---|---|")
    for job in jobs:
        d = [r for r in rows if r["job"] == job and r["kind"] == "daemon"]
        cells = [stats([r.get(k) for r in d])[0] for k in ("uploaded", "claimed", "conversion_start", "active", "done")]
        print("| %s | %s |" % (job, " | ".join("-" if c is None else "%.2f" % c for c in cells)))
    print()
    print("Per run (daemon: the conversion log's durations; baseline: its three steps):")
    print()
    for r in rows:
        if r["kind"] == "daemon":
            print("- %s pair %s, daemon: upload %.2f s, claimed %s s, conversion %s–%s s, copy active %s s, done %.2f s; "
                  "%s, %s bytes in, %s out, download/convert/upload ms %s/%s/%s; copy %s %s, %s; qemu-img compare %s" % (
                      r["job"], r["pair"], r["uploaded"], r.get("claimed"), r.get("conversion_start"),
                      r.get("conversion_end"), r["active"], r["done"], r["action"], r["bytes_in"],
                      r["bytes_out"], r["download_ms"], r["convert_ms"], r["upload_ms"], r["copy_format"],
                      r["copy_status"], "digest " + (r["digest"] or "none")[:16] + "…", r["compare"]))
        else:
            print("- %s pair %s, baseline: upload %.2f s, download %.2f s, re-upload %.2f s, total %.2f s; "
                  "same bytes: %s" % (r["job"], r["pair"], r["uploaded"], r["download"], r["reupload"], r["done"],
                                      "yes" if r["ok"] else "NO"))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("what", choices=["daemon", "baseline", "table"])
    p.add_argument("--job")
    p.add_argument("--pair", default="0")
    p.add_argument("--file")
    p.add_argument("--declared")
    p.add_argument("--target")
    p.add_argument("--source-format")
    p.add_argument("--log")
    p.add_argument("--daemon-log")
    p.add_argument("--namespace")
    p.add_argument("--rows", required=True)
    p.add_argument("--mode")
    p.add_argument("--compare", action="store_true")
    p.add_argument("--warm-up", action="store_true")
    p.add_argument("--timeout", type=int, default=1800)
    args = p.parse_args()
    {"daemon": daemon_run, "baseline": baseline_run, "table": table}[args.what](args)


if __name__ == "__main__":
    main()
