"""The official Python Kubernetes client's dynamic client against a running mooring serve.

Usage: dynamic_client.py KUBECONFIG. Prints one line per check; exits 1 on the first
failure with what was expected and what came back.
"""

import sys

from kubernetes import config, dynamic
from kubernetes.client import api_client
from kubernetes.dynamic.exceptions import ConflictError, NotFoundError


def check(name, ok, detail=""):
    if not ok:
        print(f"FAIL {name}: {detail}")
        sys.exit(1)
    print(f"ok {name}")


client = dynamic.DynamicClient(
    api_client.ApiClient(configuration=config.load_kube_config(config_file=sys.argv[1]))
)
orgs = client.resources.get(api_version="resourcemanager.mooring.dev/v1alpha1", kind="Organization")
check("discovery", orgs.name == "organizations" and not orgs.namespaced, orgs.name)

body = {
    "apiVersion": "resourcemanager.mooring.dev/v1alpha1",
    "kind": "Organization",
    "metadata": {"name": "py", "labels": {"team": "python"}},
    "spec": {"displayName": "Python"},
}
created = orgs.create(body=body)
check("create", created.metadata.uid and created.metadata.resourceVersion, created)

got = orgs.get(name="py")
check("get", got.spec.displayName == "Python", got)

listed = orgs.get(label_selector="team=python")
check("list by label", [i.metadata.name for i in listed.items] == ["py"], listed)

patched = orgs.patch(
    name="py",
    body={"spec": {"displayName": "Patched"}},
    content_type="application/merge-patch+json",
)
check("merge patch", patched.spec.displayName == "Patched", patched)

stale = dict(body)
stale["metadata"] = dict(body["metadata"], resourceVersion=created.metadata.resourceVersion)
try:
    orgs.replace(body=stale)
    check("stale replace conflicts", False, "no error")
except ConflictError as e:
    check("stale replace conflicts", e.status == 409, e)

events = []
for event in orgs.watch(resource_version=got.metadata.resourceVersion, timeout=2):
    events.append((event["type"], event["object"].spec.displayName))
    break
check("watch", events == [("MODIFIED", "Patched")], events)

orgs.delete(name="py")
try:
    orgs.get(name="py")
    check("delete", False, "still there")
except NotFoundError:
    check("delete", True)
