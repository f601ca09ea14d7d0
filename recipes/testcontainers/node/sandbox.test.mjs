// The sandbox in a container calls a receiver in this test process back.
//
//   npm install
//   CHINAUMS_MOCK_IMAGE=chinaums-mock:latest npm test
//
// TestContainers.exposeHostPorts opens an SSH tunnel to this process from a container of the
// testcontainers/sshd image: any container started afterwards reaches the receiver as
// host.testcontainers.internal, with Docker Desktop, a remote Docker or Podman alike.
import assert from "node:assert/strict";
import { once } from "node:events";
import http from "node:http";
import { after, before, test } from "node:test";
import { GenericContainer, TestContainers, Wait } from "testcontainers";

// No image is published: build one from the sandbox's Dockerfile and name it here.
const image = process.env.CHINAUMS_MOCK_IMAGE ?? "ghcr.io/your-org/chinaums-mock:0.2.0";
// Where the sshd image cannot be pulled: the host's address as the container sees it
// (Docker: host-gateway; Podman: its network's gateway), used instead of the tunnel.
const hostGateway = process.env.CALLBACK_HOST_GATEWAY;
const callbackHost = "host.testcontainers.internal";

const received = [];
// Every interface: the tunnel connects to "localhost" (127.0.0.1 or ::1), and without it
// the connection arrives on the host's bridge address.
const receiver = http.createServer(async (req, res) => {
  let body = "";
  for await (const chunk of req) body += chunk;
  received.push({ path: req.url, form: Object.fromEntries(new URLSearchParams(body)) });
  res.end("SUCCESS"); // anything else makes the sandbox retry
});

let sandbox;
let baseUrl;

before(async () => {
  receiver.listen(0);
  await once(receiver, "listening");
  const { port } = receiver.address();

  let container = new GenericContainer(image)
    .withExposedPorts(8080)
    .withWaitStrategy(Wait.forHttp("/__mock/health", 8080).forStatusCode(200));
  if (hostGateway) {
    container = container.withExtraHosts([{ host: callbackHost, ipAddress: hostGateway }]);
  } else {
    await TestContainers.exposeHostPorts(port); // before the container starts
  }
  sandbox = await container.start();
  // Through the published port the control API is reached as localhost: no --allow-host.
  baseUrl = `http://${sandbox.getHost()}:${sandbox.getMappedPort(8080)}`;
});

after(async () => {
  await sandbox?.stop();
  receiver.close();
});

async function call(method, path, body) {
  const response = await fetch(baseUrl + path, {
    method,
    headers: { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  // The control API explains itself; a failed wait carries the delivery attempts.
  assert.ok(response.ok, `${method} ${path}: HTTP ${response.status}: ${text}`);
  return JSON.parse(text);
}

test("a Pay Score authorisation reaches the merchant", async () => {
  const { port } = receiver.address();
  const app = await call("POST", "/__mock/apps", {
    name: "testcontainers",
    callbackUrl: `http://${callbackHost}:${port}/notify`,
  });

  const opened = await call("POST", "/__mock/payscore/open", { appId: app.appId });
  const id = opened.notification.id;
  // 200 once the receiver has answered SUCCESS; 408 with every attempt made otherwise.
  await call("GET", `/__mock/notifications/${id}/wait?status=delivered&timeoutMs=10000`);

  assert.equal(received.length, 1);
  assert.equal(received[0].path, "/notify");
  assert.equal(received[0].form.id, id);
  assert.equal(received[0].form.eventType, "PAYSCORE.USER_OPEN_SERVICE");
});
