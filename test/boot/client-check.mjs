// client-check.mjs - does a real Kubernetes client library work against the booted cluster?
// (viok will wait for readiness with one; this checks the API server double is good enough for it.)
//
//   KCLIENT=/path/to/node_modules/@kubernetes/client-node node client-check.mjs KUBECONFIG [EXPECTED_NODES...]
//
// @kubernetes/client-node is not a viok dependency (yet): install it outside the repository, e.g.
//   mkdir -p /tmp/kclient && (cd /tmp/kclient && npm install --no-audit --no-fund @kubernetes/client-node@1)
// Checks: /readyz through the kubeconfig's endpoint with its admin client certificate and CA; every
// expected Node Ready; create, read, patch and delete a ConfigMap.
const lib = await import(process.env.KCLIENT ?? '@kubernetes/client-node');
const k8s = lib.default ?? lib;
const [kubeconfig, ...expected] = process.argv.slice(2);
const kc = new k8s.KubeConfig();
kc.loadFromFile(kubeconfig);
const fail = (m) => {
  console.error(`client-check: FAIL ${m}`);
  process.exit(1);
};

// /readyz with the kubeconfig's TLS material (the client library's own request options)
const cluster = kc.getCurrentCluster();
const opts = {};
await kc.applyToHTTPSOptions(opts);
const https = await import('node:https');
const readyz = await new Promise((resolve, reject) => {
  const req = https.request(`${cluster.server}/readyz`, { ...opts, method: 'GET' }, (res) => {
    let body = '';
    res.on('data', (c) => (body += c));
    res.on('end', () => resolve(`${res.statusCode} ${body}`));
  });
  req.on('error', reject);
  req.end();
});
console.log(`client-check: GET ${cluster.server}/readyz -> ${readyz}`);
if (readyz !== '200 ok') fail('readyz');

const core = kc.makeApiClient(k8s.CoreV1Api);
const nodes = await core.listNode();
const items = nodes.items ?? nodes.body?.items;
for (const n of items) {
  const ready = n.status?.conditions?.find((c) => c.type === 'Ready')?.status;
  const ip = n.status?.addresses?.find((a) => a.type === 'InternalIP')?.address;
  console.log(
    `client-check: node ${n.metadata.name} Ready=${ready} InternalIP=${ip} podCIDR=${n.spec?.podCIDR ?? '-'}`,
  );
}
for (const name of expected) {
  const n = items.find((i) => i.metadata.name === name);
  if (!n || n.status?.conditions?.find((c) => c.type === 'Ready')?.status !== 'True')
    fail(`node ${name} not Ready`);
}

const ns = 'default';
const name = `client-check-${Date.now()}`;
await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name }, data: { a: '1' } } });
const got = await core.readNamespacedConfigMap({ name, namespace: ns });
if (got.data?.a !== '1') fail('configmap read-back');
await core.patchNamespacedConfigMap(
  { name, namespace: ns, body: { data: { b: '2' } } },
  k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
);
const patched = await core.readNamespacedConfigMap({ name, namespace: ns });
if (patched.data?.b !== '2') fail('configmap patch');
await core.deleteNamespacedConfigMap({ name, namespace: ns });
console.log(`client-check: configmap ${ns}/${name} created, read, patched, deleted`);
console.log('client-check: OK');
