package com.example.merchant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.testcontainers.Testcontainers;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

/**
 * The sandbox in a container calls a receiver in this JVM back.
 *
 * <p>{@code Testcontainers.exposeHostPorts} opens an SSH tunnel to this JVM from a container of
 * the testcontainers/sshd image: every container started afterwards reaches the receiver
 * as {@code host.testcontainers.internal}, with Docker Desktop, a remote Docker or Podman alike.
 *
 * <pre>CHINAUMS_MOCK_IMAGE=chinaums-mock:latest mvn test</pre>
 */
class ChinaumsSandboxTest {

    // No image is published: build one from the sandbox's Dockerfile and name it here.
    private static final String IMAGE = System.getenv().getOrDefault(
            "CHINAUMS_MOCK_IMAGE", "ghcr.io/your-org/chinaums-mock:0.2.0");

    private final HttpClient http = HttpClient.newHttpClient();
    private final BlockingQueue<Map<String, String>> received = new LinkedBlockingQueue<>();
    private HttpServer receiver;
    private GenericContainer<?> sandbox;
    private String baseUrl;

    @BeforeEach
    void start() throws IOException {
        // Loopback is enough: the tunnel connects to localhost on this machine.
        receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        receiver.createContext("/notify", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            received.add(parseForm(body));
            byte[] reply = "SUCCESS".getBytes(StandardCharsets.UTF_8); // anything else: retries
            exchange.sendResponseHeaders(200, reply.length);
            exchange.getResponseBody().write(reply);
            exchange.close();
        });
        receiver.start();

        Testcontainers.exposeHostPorts(receiver.getAddress().getPort()); // before the start
        sandbox = new GenericContainer<>(DockerImageName.parse(IMAGE))
                .withExposedPorts(8080)
                .waitingFor(Wait.forHttp("/__mock/health").forPort(8080).forStatusCode(200));
        sandbox.start();
        // Through the published port the control API is reached by address: no --allow-host.
        baseUrl = "http://" + sandbox.getHost() + ":" + sandbox.getMappedPort(8080);
    }

    @AfterEach
    void stop() {
        if (sandbox != null) sandbox.stop();
        if (receiver != null) receiver.stop(0);
    }

    @Test
    void payScoreAuthorisationReachesTheMerchant() throws Exception {
        int port = receiver.getAddress().getPort();
        String app = call("POST", "/__mock/apps",
                "{\"name\":\"testcontainers\",\"callbackUrl\":\"http://host.testcontainers.internal:"
                        + port + "/notify\"}");
        String appId = field(app, "appId");

        String opened = call("POST", "/__mock/payscore/open", "{\"appId\":\"" + appId + "\"}");
        String id = field(opened, "id"); // the notification's: the authorisation has none
        // 200 once the receiver has answered SUCCESS; 408 with every attempt made otherwise.
        call("GET", "/__mock/notifications/" + id + "/wait?status=delivered&timeoutMs=10000", null);

        Map<String, String> form = received.poll(5, TimeUnit.SECONDS);
        assertTrue(form != null, "the receiver got no notification");
        assertEquals(id, form.get("id"));
        assertEquals("PAYSCORE.USER_OPEN_SERVICE", form.get("eventType"));
    }

    private String call(String method, String path, String json) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .method(method, json == null
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(json))
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        // The control API explains itself; a failed wait carries the delivery attempts.
        assertTrue(response.statusCode() / 100 == 2,
                method + " " + path + ": HTTP " + response.statusCode() + ": " + response.body());
        return response.body();
    }

    /** The first string member of that name: enough for these flat answers, no JSON library. */
    private static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + Pattern.quote(name) + "\"\\s*:\\s*\"([^\"]*)\"").matcher(json);
        assertTrue(m.find(), "no " + name + " in " + json);
        return m.group(1);
    }

    private static Map<String, String> parseForm(String body) {
        Map<String, String> form = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            if (eq < 0) continue;
            form.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return form;
    }
}
