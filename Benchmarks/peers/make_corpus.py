"""Writes a corpus of realistic Kubernetes-style manifests for the YAML benchmark.

Deterministic (seeded): 10,000 documents in 100 files of 100, a mix of Deployments,
Services, ConfigMaps, Organizations and Projects, with labels, annotations, containers,
env, ports, resources and multi-line strings, as platform repositories hold them.
"""
import os
import random
import sys


def deployment(r, i):
    name = f"svc-{i}"
    env = "".join(
        f"        - name: VAR_{k}\n          value: \"{r.randint(0, 10**6)}\"\n" for k in range(r.randint(2, 8))
    )
    return f"""apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
  namespace: team-{i % 37}
  labels:
    app.kubernetes.io/name: {name}
    app.kubernetes.io/part-of: shop
    tier: backend
  annotations:
    mooring.dev/owner: team-{i % 37}@example.com
    description: "Deployment number {i} of the benchmark corpus"
spec:
  replicas: {r.randint(1, 9)}
  selector:
    matchLabels:
      app.kubernetes.io/name: {name}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: {name}
    spec:
      containers:
      - name: app
        image: registry.example.com/shop/{name}:1.{r.randint(0, 40)}.{r.randint(0, 9)}
        imagePullPolicy: IfNotPresent
        ports:
        - containerPort: {r.choice([80, 8080, 9090])}
          protocol: TCP
        env:
{env}        resources:
          requests:
            cpu: {r.choice(['100m', '250m', '500m', '1'])}
            memory: {r.choice(['128Mi', '256Mi', '1Gi'])}
          limits:
            cpu: "2"
            memory: 2Gi
        readinessProbe:
          httpGet:
            path: /healthz
            port: 8080
          periodSeconds: 10
      nodeSelector:
        kubernetes.io/os: linux
"""


def service(r, i):
    return f"""apiVersion: v1
kind: Service
metadata:
  name: svc-{i}
  namespace: team-{i % 37}
  labels:
    app.kubernetes.io/name: svc-{i}
spec:
  type: ClusterIP
  selector:
    app.kubernetes.io/name: svc-{i}
  ports:
  - name: http
    port: 80
    targetPort: 8080
    protocol: TCP
"""


def configmap(r, i):
    return f"""apiVersion: v1
kind: ConfigMap
metadata:
  name: config-{i}
  namespace: team-{i % 37}
data:
  enabled: "true"
  retries: "{r.randint(1, 5)}"
  log-level: {r.choice(['debug', 'info', 'warn'])}
  app.properties: |
    server.port=8080
    feature.flags=a,b,c
    cache.size={r.randint(100, 10000)}
"""


def organization(r, i):
    return f"""apiVersion: resourcemanager.mooring.dev/v1alpha1
kind: Organization
metadata:
  name: org-{i}
  labels:
    billing.mooring.dev/plan: {r.choice(['free', 'pro', 'enterprise'])}
spec:
  displayName: Organization {i}
  type: {r.choice(['Personal', 'Standard'])}
"""


def project(r, i):
    return f"""apiVersion: resourcemanager.mooring.dev/v1alpha1
kind: Project
metadata:
  name: project-{i}
  namespace: org-{i % 50}
  labels:
    owner: user-{r.randint(1, 500)}
spec:
  displayName: Project {i}
  quota:
    cpu: "{r.randint(1, 64)}"
    memory: {r.randint(1, 256)}Gi
"""


def main(out, files=100, per_file=100):
    r = random.Random(42)
    makers = [deployment, service, configmap, organization, project]
    os.makedirs(out, exist_ok=True)
    n = 0
    for f in range(files):
        docs = []
        for _ in range(per_file):
            docs.append(makers[n % len(makers)](r, n))
            n += 1
        with open(os.path.join(out, f"manifests-{f:03d}.yaml"), "w") as fh:
            fh.write("---\n".join(docs))


if __name__ == "__main__":
    main(sys.argv[1])
