#!/usr/bin/python3
"""Fills a freshly bootstrapped Keystone with what glance-convert's tests need.

Reads KEYSTONE_URL, GLANCE_URL and the passwords from the environment; prints shell `export`
lines with the ids it created (and the application credential's secret) on stdout.
Idempotent: everything is looked up by name before it is created.
"""
import json
import os
import sys
import urllib.error
import urllib.request

KS = os.environ["KEYSTONE_URL"].rstrip("/")
GLANCE = os.environ["GLANCE_URL"].rstrip("/")
REGION = "RegionOne"


def call(method, path, token=None, body=None, ok=(200, 201, 204)):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(KS + path, data=data, method=method)
    req.add_header("Content-Type", "application/json")
    req.add_header("Accept", "application/json")
    if token:
        req.add_header("X-Auth-Token", token)
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            raw = resp.read()
            return resp.status, resp.headers, (json.loads(raw) if raw else None)
    except urllib.error.HTTPError as e:
        if e.code in ok:
            return e.code, e.headers, None
        sys.stderr.write("%s %s -> %s %s\n" % (method, path, e.code, e.read()[:500]))
        raise


def token_for(user, password, project, domain="default"):
    body = {"auth": {
        "identity": {"methods": ["password"], "password": {
            "user": {"name": user, "domain": {"id": domain}, "password": password}}},
        "scope": {"project": {"name": project, "domain": {"id": domain}}}}}
    _, headers, data = call("POST", "/auth/tokens", body=body)
    return headers["X-Subject-Token"], data["token"]


def find(token, collection, key=None, **query):
    qs = "&".join("%s=%s" % kv for kv in query.items())
    _, _, data = call("GET", "/%s?%s" % (collection, qs), token)
    return data[key or collection]


def ensure(token, collection, singular, attrs, **query):
    found = find(token, collection, **query)
    if found:
        return found[0]["id"]
    _, _, data = call("POST", "/" + collection, token, {singular: attrs})
    return data[singular]["id"]


def grant(token, project_id, user_id, role_id):
    call("PUT", "/projects/%s/users/%s/roles/%s" % (project_id, user_id, role_id), token)


def main():
    admin, _ = token_for("admin", os.environ["KEYSTONE_ADMIN_PASSWORD"], "admin")
    roles = {r["name"]: r["id"] for r in find(admin, "roles")}
    for name in ("admin", "member", "reader", "service"):
        if name not in roles:
            roles[name] = ensure(admin, "roles", "role", {"name": name}, name=name)

    service_project = ensure(admin, "projects", "project",
                             {"name": "service", "domain_id": "default"}, name="service")
    demo_project = ensure(admin, "projects", "project",
                          {"name": "demo", "domain_id": "default"}, name="demo")

    def user(name, password, project):
        uid = ensure(admin, "users", "user", {"name": name, "domain_id": "default",
                                              "password": password,
                                              "default_project_id": project}, name=name)
        return uid

    glance_user = user("glance", os.environ["GLANCE_SERVICE_PASSWORD"], service_project)
    gc_user = user("glance-convert", os.environ["GLANCE_CONVERT_PASSWORD"], service_project)
    demo_user = user("demo", os.environ["DEMO_PASSWORD"], demo_project)
    # Glance validates tokens with its own user: admin + service in the service project, as a
    # packaged deployment does.
    grant(admin, service_project, glance_user, roles["admin"])
    grant(admin, service_project, glance_user, roles["service"])
    # glance-convert acts on every project's images (deactivate, owner of copies, members), which
    # Glance's policies reserve to admin.
    grant(admin, service_project, gc_user, roles["admin"])
    grant(admin, demo_project, demo_user, roles["member"])

    image_service = ensure(admin, "services", "service",
                           {"type": "image", "name": "glance", "enabled": True}, type="image")
    existing = find(admin, "endpoints", service_id=image_service)
    have = {(e["interface"], e.get("region_id")) for e in existing}
    for iface in ("public", "internal", "admin"):
        if (iface, REGION) not in have:
            call("POST", "/endpoints", admin, {"endpoint": {
                "service_id": image_service, "interface": iface, "region_id": REGION,
                "url": GLANCE, "enabled": True}})

    # An application credential of glance-convert, made by itself (Keystone allows only that).
    gc_token, _ = token_for("glance-convert", os.environ["GLANCE_CONVERT_PASSWORD"], "service")
    app_name = "glance-convert-it"
    for old in find(gc_token, "users/%s/application_credentials" % gc_user,
                    key="application_credentials", name=app_name):
        call("DELETE", "/users/%s/application_credentials/%s" % (gc_user, old["id"]), gc_token)
    _, _, data = call("POST", "/users/%s/application_credentials" % gc_user, gc_token,
                      {"application_credential": {"name": app_name,
                                                  "description": "glance-convert integration tests"}})
    app = data["application_credential"]

    out = {
        "KEYSTONE_SERVICE_PROJECT_ID": service_project,
        "KEYSTONE_DEMO_PROJECT_ID": demo_project,
        "KEYSTONE_GLANCE_USER_ID": glance_user,
        "KEYSTONE_GLANCE_CONVERT_USER_ID": gc_user,
        "KEYSTONE_DEMO_USER_ID": demo_user,
        "KEYSTONE_IMAGE_SERVICE_ID": image_service,
        "GLANCE_CONVERT_APP_CRED_ID": app["id"],
        "GLANCE_CONVERT_APP_CRED_NAME": app_name,
        "GLANCE_CONVERT_APP_CRED_SECRET": app["secret"],
    }
    for k, v in out.items():
        print("export %s=%s" % (k, v))


if __name__ == "__main__":
    main()
