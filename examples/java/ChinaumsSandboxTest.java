import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A merchant's back end tested against the chinaums-mock sandbox, JDK 17 only.
 *
 * <p>Copy this file and replace the "merchant side" methods with calls into your own code (your
 * ChinaUMS client and your notification endpoint). Everything here is what a real integration does
 * against https://test-api-open.chinaums.com/, except the calls to {@code /__mock/...}, which
 * script the sandbox (callback URL, Pay Score users, the payer, the clock).
 *
 * <p>Run from the repository (any directory inside it): {@code java
 * examples/java/ChinaumsSandboxTest.java}. The sandbox binary is {@code $CHINAUMS_MOCK_BIN},
 * default {@code target/debug/chinaums-mock}; a relative path is taken from the repository root
 * (the nearest directory up with a Cargo.toml). Exit code 0 when every check passes.
 */
public class ChinaumsSandboxTest {
    // The public demo credentials shipped with the official SDKs; the sandbox starts with them.
    static final String APP_ID = "10037e6f66f2d0f901672aa27d690006";
    static final String APP_KEY = "47ace12ae3b348fe93ab46cee97c6fde";
    static final String MD5_KEY = "impARTxrQcfwmRijpDNCw6hPxaWCddKEpYxjaKXDhCaTCXJ6"; // 通讯密钥
    static final String MID = "898201612345678", TID = "88880001", INST_MID = "MINIDEFAULT";
    static final String MSG_SRC_ID = "3194";
    static final ZoneOffset BEIJING = ZoneOffset.ofHours(8);
    static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .proxy(HttpClient.Builder.NO_PROXY)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    final Sandbox sandbox;
    final Merchant merchant = new Merchant();

    ChinaumsSandboxTest(Sandbox sandbox) {
        this.sandbox = sandbox;
    }

    public static void main(String[] args) throws Exception {
        Sandbox sandbox;
        try {
            sandbox = Sandbox.start(sandboxBinary());
        } catch (Exception e) {
            System.err.println("cannot start the sandbox: " + e.getMessage());
            System.exit(2);
            return;
        }
        ChinaumsSandboxTest t = new ChinaumsSandboxTest(sandbox);
        HttpServer notifyServer = t.merchant.listen();
        int passed = 0, failed = 0;
        try {
            // The notify URL you register with ChinaUMS for your app.
            String notifyUrl = "http://127.0.0.1:" + notifyServer.getAddress().getPort() + "/notify";
            Reply app = sandbox.control("PATCH", "/apps/" + APP_ID, Map.of("callbackUrl", notifyUrl));
            check(app.status() == 200 && notifyUrl.equals(app.str("callbackUrl")), "PATCH app: " + app);

            Map<String, Check> checks = new LinkedHashMap<>();
            checks.put("an access token is issued for the demo credentials", t::accessToken);
            checks.put("a unified order signed with OPEN-BODY-SIG returns the mini-program pay request",
                    t::orderWithBodySig);
            checks.put("a unified order authenticated with an access token succeeds", t::orderWithToken);
            checks.put("Pay Score open and close reach the notify URL with a valid sign", t::openAndClose);
            checks.put("an order is paid, notified, queried and partly refunded", t::paymentFlow);
            checks.put("a merchant down for two attempts gets the retries at 0, 15 and 30 s", t::merchantDown);
            checks.put("a notification with a forged sign is refused", t::forgedSign);
            for (Map.Entry<String, Check> c : checks.entrySet()) {
                try {
                    c.getValue().run();
                    passed++;
                    System.out.println("PASS " + c.getKey());
                } catch (Throwable e) {
                    failed++;
                    System.out.println("FAIL " + c.getKey() + "\n     " + e);
                }
            }
        } finally {
            notifyServer.stop(0);
            int code = sandbox.stop();
            if (code != 0) {
                failed++;
                System.out.println("FAIL the sandbox exited with " + code + ", its last log lines:");
                synchronized (sandbox.log) {
                    sandbox.log.subList(Math.max(0, sandbox.log.size() - 20), sandbox.log.size())
                            .forEach(l -> System.out.println("     " + l));
                }
            }
        }
        System.out.println(passed + " passed, " + failed + " failed");
        System.exit(failed == 0 ? 0 : 1);
    }

    interface Check {
        void run() throws Exception;
    }

    // ------------------------------------------------------------------------------------------
    // The checks
    // ------------------------------------------------------------------------------------------

    void accessToken() throws Exception {
        Reply reply = getAccessToken(sandbox.url, sandbox.beijingNow());
        check(reply.status() == 200 && "0000".equals(reply.str("errCode")), "token: " + reply);
        check(reply.str("accessToken").matches("[0-9a-f]{32}"), "32 hex: " + reply);
        check(((BigDecimal) reply.at("expiresIn")).intValue() == 3600, "expiresIn: " + reply);
    }

    void orderWithBodySig() throws Exception {
        OffsetDateTime now = sandbox.beijingNow();
        Map<String, Object> order = unifiedOrder(now, "oMXJN5fYT4VCfmUQP8nl9oCHXQhM");
        byte[] body = Json.write(order).getBytes(StandardCharsets.UTF_8);
        Reply reply = callGateway("/v1/netpay/wx/unified-order", body, openBodySig(body, now));
        check(reply.status() == 200 && "SUCCESS".equals(reply.str("errCode")), "order: " + reply);
        check(order.get("merOrderId").equals(reply.str("merOrderId")), "merOrderId: " + reply);
        // What your mini-program passes to wx.requestPayment.
        check(reply.str("miniPayRequest.package").startsWith("prepay_id="), "package: " + reply);
    }

    void orderWithToken() throws Exception {
        String token = getAccessToken(sandbox.url, sandbox.beijingNow()).str("accessToken");
        Map<String, Object> order = unifiedOrder(sandbox.beijingNow(), "oMXJN5fYT4VCfmUQP8nl9oCHXQhM");
        byte[] body = Json.write(order).getBytes(StandardCharsets.UTF_8);
        Reply reply = callGateway("/v1/netpay/wx/unified-order", body, "OPEN-ACCESS-TOKEN AccessToken=" + token);
        check(reply.status() == 200 && "SUCCESS".equals(reply.str("errCode")), "order: " + reply);
        check(order.get("merOrderId").equals(reply.str("merOrderId")), "merOrderId: " + reply);
    }

    void openAndClose() throws Exception {
        // A user authorises your Pay Score service (in production: in WeChat).
        Reply opened = sandbox.control("POST", "/payscore/open", Map.of("appId", APP_ID));
        check(opened.status() == 201, "open: " + opened);
        String openId = opened.str("authorization.openId");
        waitDelivered(opened.str("notification.id"));
        assertReceived(opened.str("notification.id"), "PAYSCORE.USER_OPEN_SERVICE", openId);

        // The same user withdraws the authorisation.
        Reply closed = sandbox.control("POST", "/payscore/close", Map.of("appId", APP_ID, "openId", openId));
        check(closed.status() == 201, "close: " + closed);
        waitDelivered(closed.str("notification.id"));
        List<Delivery> got = assertReceived(closed.str("notification.id"), "PAYSCORE.USER_CLOSE_SERVICE", openId);
        check("USER_CLOSE_SERVICE".equals(Json.at(got.get(got.size() - 1).resource(), "userServiceStatus")),
                "userServiceStatus: " + got);
    }

    void paymentFlow() throws Exception {
        // Refund notifications are an app setting (in production: asked of ChinaUMS).
        Reply app = sandbox.control("PATCH", "/apps/" + APP_ID, Map.of("notify", Map.of("refundNotify", true)));
        check(app.status() == 200, "PATCH app: " + app);

        // 1. Your back end creates the order; the mini-program gets miniPayRequest.
        Map<String, Object> order = unifiedOrder(sandbox.beijingNow(), "oMXJN5fYT4VCfmUQP8nl9oCHXQhM", 1000);
        String number = (String) order.get("merOrderId");
        Reply created = call("/v1/netpay/wx/unified-order", order);
        check(number.equals(created.str("merOrderId")), "merOrderId: " + created);

        // 2. The payer pays (in production: in WeChat).
        Reply paid = sandbox.control("POST", "/orders/" + number + "/pay", Map.of());
        check(paid.status() == 200 && "TRADE_SUCCESS".equals(paid.str("order.status")), "pay: " + paid);

        // 3. The payment notification reaches your notify URL, signed with the md5Key.
        Map<String, String> notice = receivedPaymentNotice(paid.str("notification.id"));
        check(number.equals(notice.get("merOrderId")), "merOrderId: " + notice);
        check("TRADE_SUCCESS".equals(notice.get("status")), "status: " + notice);
        check("1000".equals(notice.get("totalAmount")), "totalAmount: " + notice);
        check(paid.str("order.targetOrderId").equals(notice.get("targetOrderId")), "targetOrderId: " + notice);

        // 4. Query: the order is paid.
        Reply query = call("/v1/netpay/query", orderCall(sandbox.beijingNow(), number, Map.of()));
        check("TRADE_SUCCESS".equals(query.str("status")), "query: " + query);
        check(((BigDecimal) query.at("totalAmount")).intValue() == 1000, "totalAmount: " + query);
        check(notice.get("targetOrderId").equals(query.str("targetOrderId")), "targetOrderId: " + query);

        // 5. Refund part of it, with your own refund number.
        String refundNumber = merchantNumber(sandbox.beijingNow());
        Reply refund = call("/v1/netpay/refund", orderCall(sandbox.beijingNow(), number,
                Map.of("refundAmount", 300, "refundOrderId", refundNumber, "refundDesc", "部分退款")));
        check("SUCCESS".equals(refund.str("refundStatus")), "refund: " + refund);
        check(refundNumber.equals(refund.str("refundOrderId")), "refundOrderId: " + refund);
        check(((BigDecimal) refund.at("refundAmount")).intValue() == 300, "refundAmount: " + refund);

        // 6. The refund notification: the order's fields with status TRADE_REFUND, and the refund.
        Reply shown = sandbox.control("GET", "/orders/" + number, null);
        List<?> ids = (List<?>) shown.at("notifications");
        check(shown.status() == 200 && ids.size() == 2, "the payment's and the refund's: " + shown);
        notice = receivedPaymentNotice((String) ids.get(1));
        check("TRADE_REFUND".equals(notice.get("status")), "status: " + notice);
        check(refundNumber.equals(notice.get("refundOrderId")), "refundOrderId: " + notice);
        check("300".equals(notice.get("refundAmount")), "refundAmount: " + notice);

        // 7. Query again: still paid, 3.00 of 10.00 refunded.
        query = call("/v1/netpay/query", orderCall(sandbox.beijingNow(), number, Map.of()));
        check("TRADE_SUCCESS".equals(query.str("status")), "query: " + query);
        check(((BigDecimal) query.at("refundAmount")).intValue() == 300, "refundAmount: " + query);
    }

    /** A signed business call (OPEN-BODY-SIG) answering HTTP 200 with errCode SUCCESS. */
    Reply call(String path, Map<String, Object> request) throws Exception {
        byte[] body = Json.write(request).getBytes(StandardCharsets.UTF_8);
        Reply reply = callGateway(path, body, openBodySig(body, sandbox.beijingNow()));
        check(reply.status() == 200 && "SUCCESS".equals(reply.str("errCode")), path + ": " + reply);
        return reply;
    }

    /**
     * The fields your endpoint received for a netpay notification, once acknowledged. The sandbox
     * lists it under {@code id}; on the wire it is known by its {@code notifyId}.
     */
    Map<String, String> receivedPaymentNotice(String id) throws Exception {
        String notifyId = (String) waitDelivered(id).at("payload.notifyId");
        List<Delivery> got = merchant.paymentDeliveries(notifyId);
        check(!got.isEmpty(), "the handler never saw " + id);
        Delivery last = got.get(got.size() - 1);
        check(last.signValid(), "sign invalid: " + last);
        return last.fields();
    }

    void merchantDown() throws Exception {
        merchant.failNext(2); // the handler answers FAILED twice, then recovers
        Reply opened = sandbox.control("POST", "/payscore/open", Map.of("appId", APP_ID));
        check(opened.status() == 201, "open: " + opened);
        String id = opened.str("notification.id");
        // A minute of sandbox time passes in milliseconds; every retry due on the way is made.
        check(sandbox.control("POST", "/clock/advance", Map.of("seconds", 60)).status() == 200, "advance");

        List<?> attempts = (List<?>) waitDelivered(id).at("attempts");
        OffsetDateTime first = OffsetDateTime.parse((String) Json.at(attempts.get(0), "scheduledAt"));
        List<Long> offsets = new ArrayList<>();
        List<Object> outcomes = new ArrayList<>();
        for (Object a : attempts) {
            OffsetDateTime at = OffsetDateTime.parse((String) Json.at(a, "scheduledAt"));
            offsets.add(Duration.between(first, at).getSeconds());
            outcomes.add(Json.at(a, "outcome"));
        }
        check(offsets.equals(List.of(0L, 15L, 30L)), "offsets: " + offsets);
        check(outcomes.equals(List.of("rejected", "rejected", "delivered")), "outcomes: " + outcomes);
        List<Delivery> got = assertReceived(id, "PAYSCORE.USER_OPEN_SERVICE", opened.str("authorization.openId"));
        check(got.size() == 3 && got.get(0).down() && got.get(1).down() && !got.get(2).down(), "deliveries: " + got);
    }

    void forgedSign() throws Exception {
        // The next attempt goes out with one digit of `sign` changed; the retry is genuine.
        Reply fault = sandbox.control("POST", "/faults",
                Map.of("target", "notification", "action", "tamperSign", "appId", APP_ID, "times", 1));
        check(fault.status() == 201, "fault: " + fault);
        Reply opened = sandbox.control("POST", "/payscore/open", Map.of("appId", APP_ID));
        check(opened.status() == 201, "open: " + opened);
        sandbox.control("POST", "/clock/advance", Map.of("seconds", 15));

        List<Object> answers = new ArrayList<>();
        for (Object a : (List<?>) waitDelivered(opened.str("notification.id")).at("attempts")) {
            answers.add(Json.at(a, "responseBody"));
        }
        check(answers.equals(List.of("FAILED", "SUCCESS")), "answers: " + answers);
        List<Delivery> got = merchant.deliveries(opened.str("notification.id"));
        check(got.size() == 2 && !got.get(0).signValid() && got.get(1).signValid(), "deliveries: " + got);
    }

    /** Long-poll the sandbox until your endpoint acknowledged the notification. */
    Reply waitDelivered(String id) throws Exception {
        Reply n = sandbox.control("GET", "/notifications/" + id + "/wait?status=delivered&timeoutMs=10000", null);
        if (n.status() != 200) {
            List<String> attempts = new ArrayList<>();
            if (n.at("attempts") instanceof List<?> list) {
                for (Object a : list) {
                    attempts.add(Json.at(a, "outcome") + "/" + Json.at(a, "httpStatus") + "/"
                            + Json.at(a, "responseBody") + "/" + Json.at(a, "error"));
                }
            }
            throw new AssertionError(id + " was not delivered within 10 s (HTTP " + n.status()
                    + ", status " + n.at("status") + "); attempts: " + attempts);
        }
        return n;
    }

    List<Delivery> assertReceived(String id, String eventType, String openId) {
        List<Delivery> got = merchant.deliveries(id);
        check(!got.isEmpty(), "the handler never saw " + id);
        Delivery last = got.get(got.size() - 1);
        check(last.signValid(), "sign invalid: " + last);
        check(eventType.equals(last.fields().get("eventType")), "eventType: " + last);
        check("encryptreSource".equals(Json.at(last.resource(), "resoruceType")), "resoruceType: " + last); // sic
        check(openId.equals(Json.at(last.resource(), "openId")), "openId: " + last);
        check(MID.equals(Json.at(last.resource(), "mid")), "mid: " + last);
        return got;
    }

    static void check(boolean ok, String message) {
        if (!ok) {
            throw new AssertionError(message);
        }
    }

    // ------------------------------------------------------------------------------------------
    // Merchant side: calling ChinaUMS
    // ------------------------------------------------------------------------------------------

    static final DateTimeFormatter COMPACT = DateTimeFormatter.ofPattern("yyyyMMddHHmmss");
    static final SecureRandom RANDOM = new SecureRandom();

    /**
     * POST /v1/token/access — what your SDK's OpenApiCache.getCurrentToken does (it caches the
     * token for {@code expiresIn} seconds and asks again only when it runs out).
     */
    static Reply getAccessToken(String baseUrl, OffsetDateTime now) throws Exception {
        String timestamp = now.format(COMPACT); // yyyyMMddHHmmss, Beijing time
        String nonce = UUID.randomUUID().toString().replace("-", "");
        String signature = hex(MessageDigest.getInstance("SHA-256")
                .digest((APP_ID + timestamp + nonce + APP_KEY).getBytes(StandardCharsets.UTF_8)));
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("appId", APP_ID);
        request.put("timestamp", timestamp);
        request.put("nonce", nonce);
        request.put("signMethod", "SHA256");
        request.put("signature", signature);
        return send("POST", baseUrl + "/v1/token/access", Json.write(request).getBytes(StandardCharsets.UTF_8),
                Map.of("Content-Type", "application/json"));
    }

    /**
     * The {@code Authorization} header of OPEN-BODY-SIG — what the SDK's OpenBodySigUtil builds:
     * base64(HMAC-SHA256(appKey, appId + timestamp + nonce + lowerhex(SHA256(body bytes)))).
     */
    static String openBodySig(byte[] body, OffsetDateTime now) throws Exception {
        String timestamp = now.format(COMPACT);
        String nonce = UUID.randomUUID().toString().replace("-", "");
        String bodyDigest = hex(MessageDigest.getInstance("SHA-256").digest(body));
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(APP_KEY.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String signature = Base64.getEncoder().encodeToString(
                mac.doFinal((APP_ID + timestamp + nonce + bodyDigest).getBytes(StandardCharsets.UTF_8)));
        return "OPEN-BODY-SIG AppId=\"" + APP_ID + "\", Timestamp=\"" + timestamp + "\", Nonce=\"" + nonce
                + "\", Signature=\"" + signature + "\"";
    }

    /**
     * msgSrcId + yyyyMMddHHmmssSSS + 7 random digits, like the SDK demo's order numbers (refunds
     * are numbered the same way).
     */
    static String merchantNumber(OffsetDateTime now) {
        return MSG_SRC_ID + now.format(DateTimeFormatter.ofPattern("yyyyMMddHHmmssSSS"))
                + String.format("%07d", RANDOM.nextInt(10_000_000));
    }

    /** A WeChat mini-program order (微信小程序支付下单) of 1 fen. Sign exactly the bytes you send. */
    static Map<String, Object> unifiedOrder(OffsetDateTime now, String subOpenId) {
        return unifiedOrder(now, subOpenId, 1);
    }

    /** A WeChat mini-program order of {@code totalAmount} fen. */
    static Map<String, Object> unifiedOrder(OffsetDateTime now, String subOpenId, int totalAmount) {
        Map<String, Object> order = new LinkedHashMap<>();
        order.put("requestTimestamp", now.format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")));
        order.put("merOrderId", merchantNumber(now));
        order.put("mid", MID);
        order.put("tid", TID);
        order.put("instMid", INST_MID);
        order.put("totalAmount", totalAmount);
        order.put("orderDesc", "示例商品");
        order.put("tradeType", "MINI");
        order.put("subAppId", "wx1234567890abcdef");
        order.put("subOpenId", subOpenId);
        return order;
    }

    /** A call about one order — query (订单查询), refund (退款) — with its own members. */
    static Map<String, Object> orderCall(OffsetDateTime now, String merOrderId, Map<String, Object> members) {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("requestTimestamp", now.format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")));
        request.put("mid", MID);
        request.put("tid", TID);
        request.put("instMid", INST_MID);
        request.put("merOrderId", merOrderId);
        request.putAll(new TreeMap<>(members));
        return request;
    }

    Reply callGateway(String path, byte[] body, String authorization) throws Exception {
        return send("POST", sandbox.url + path, body,
                Map.of("Content-Type", "application/json;charset=UTF-8", "Authorization", authorization));
    }

    static Reply send(String method, String url, byte[] body, Map<String, String> headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(b::header);
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        return new Reply(r.statusCode(), r.body().isEmpty() ? null : Json.parse(r.body()));
    }

    static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    /** An HTTP status and its parsed JSON body. */
    record Reply(int status, Object json) {
        Object at(String path) {
            return Json.at(json, path);
        }

        String str(String path) {
            return (String) at(path);
        }
    }

    // ------------------------------------------------------------------------------------------
    // Merchant side: receiving notifications
    // ------------------------------------------------------------------------------------------

    /** One request your notify URL received. */
    record Delivery(Map<String, String> fields, Object resource, boolean signValid, boolean down) {}

    /** What your notification endpoint records; {@code failNext(n)} simulates an outage. */
    static final class Merchant {
        private final List<Delivery> received = new ArrayList<>(); // retries included
        private int failuresLeft;

        synchronized void failNext(int n) {
            failuresLeft = n;
        }

        /** What arrived of a Pay Score notification (by its {@code id}). */
        synchronized List<Delivery> deliveries(String id) {
            return received.stream().filter(d -> id.equals(d.fields().get("id"))).toList();
        }

        /** What arrived of a payment or refund notification (by its {@code notifyId}). */
        synchronized List<Delivery> paymentDeliveries(String notifyId) {
            return received.stream().filter(d -> notifyId.equals(d.fields().get("notifyId"))).toList();
        }

        /**
         * The body of your notify URL handler: verify {@code sign}, decode, store, answer. Pay Score
         * notifications carry a {@code resource} (JSON text); payment and refund notifications are
         * flat fields, signed by the same rule.
         */
        String handle(String body) throws Exception {
            Map<String, String> fields = new LinkedHashMap<>();
            for (String pair : body.split("&")) {
                int eq = pair.indexOf('=');
                String k = eq < 0 ? pair : pair.substring(0, eq), v = eq < 0 ? "" : pair.substring(eq + 1);
                fields.put(URLDecoder.decode(k, StandardCharsets.UTF_8), URLDecoder.decode(v, StandardCharsets.UTF_8));
            }
            String sign = fields.getOrDefault("sign", "").toUpperCase();
            boolean signValid = MessageDigest.isEqual(notifySign(fields, MD5_KEY).getBytes(StandardCharsets.UTF_8),
                    sign.getBytes(StandardCharsets.UTF_8));
            Object resource = signValid && fields.containsKey("resource") ? Json.parse(fields.get("resource")) : null;
            boolean down;
            synchronized (this) {
                down = signValid && failuresLeft > 0;
                if (down) {
                    failuresLeft--;
                }
                received.add(new Delivery(fields, resource, signValid, down));
            }
            // ChinaUMS stops retrying only on HTTP 2xx with the body SUCCESS. A real handler applies
            // the event idempotently by `id` (payments: `notifyId`; retries repeat it) before it
            // answers SUCCESS.
            return signValid && !down ? "SUCCESS" : "FAILED";
        }

        /** An HTTP server on 127.0.0.1:<free port> whose POST /notify is the handler above. */
        HttpServer listen() throws IOException {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/notify", (HttpExchange ex) -> {
                byte[] answer;
                try {
                    answer = handle(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8))
                            .getBytes(StandardCharsets.UTF_8);
                } catch (Exception e) {
                    answer = "FAILED".getBytes(StandardCharsets.UTF_8);
                }
                ex.getResponseHeaders().set("Content-Type", "text/plain; charset=UTF-8");
                ex.sendResponseHeaders(200, answer.length);
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(answer);
                }
            });
            server.start();
            return server;
        }
    }

    /** UPPER(hex(SHA256|MD5(join("&", sorted k=v without sign and empty values) + md5Key))). */
    static String notifySign(Map<String, String> fields, String md5Key) throws Exception {
        StringBuilder s = new StringBuilder();
        for (Map.Entry<String, String> e : new TreeMap<>(fields).entrySet()) {
            if (!e.getKey().equals("sign") && !e.getValue().isEmpty()) {
                s.append(s.length() == 0 ? "" : "&").append(e.getKey()).append('=').append(e.getValue());
            }
        }
        String algorithm = "MD5".equals(fields.get("signType")) ? "MD5" : "SHA-256";
        byte[] digest = MessageDigest.getInstance(algorithm).digest((s + md5Key).getBytes(StandardCharsets.UTF_8));
        return hex(digest).toUpperCase();
    }

    // ------------------------------------------------------------------------------------------
    // The sandbox process
    // ------------------------------------------------------------------------------------------

    static Path sandboxBinary() {
        Path root = Path.of("").toAbsolutePath();
        for (Path p = root; p != null; p = p.getParent()) {
            if (Files.exists(p.resolve("Cargo.toml"))) {
                root = p;
                break;
            }
        }
        String bin = System.getenv().getOrDefault("CHINAUMS_MOCK_BIN", "target/debug/chinaums-mock");
        return root.resolve(bin);
    }

    /** Starts {@code chinaums-mock --port 0}, reads its URL from the first stdout line, stops it. */
    static final class Sandbox {
        final Process process;
        final String url;
        final List<String> log; // stderr lines, shown when something goes wrong
        private final Thread stderrDrain;

        private Sandbox(Process process, String url, List<String> log, Thread stderrDrain) {
            this.process = process;
            this.url = url;
            this.log = log;
            this.stderrDrain = stderrDrain;
        }

        static Sandbox start(Path binary) throws Exception {
            if (!Files.isRegularFile(binary)) {
                throw new IllegalStateException("binary not found at " + binary
                        + ": run `cargo build` in the repository or set CHINAUMS_MOCK_BIN");
            }
            Process p = new ProcessBuilder(binary.toString(), "--port", "0", "--seed", "7").start();
            List<String> log = new ArrayList<>();
            // Keep both pipes drained so a chatty log never blocks the server.
            Thread stderrDrain = drain(
                    new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8)), log);
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String line;
            try {
                line = CompletableFuture.supplyAsync(() -> {
                    try {
                        return out.readLine();
                    } catch (IOException e) {
                        return null;
                    }
                }).get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                line = null;
            }
            // {"event":"listening","url":"http://127.0.0.1:PORT","control":…,"version":…,"apps":2}
            Object url = null;
            try {
                url = Json.at(Json.parse(line), "url");
            } catch (RuntimeException e) {
                // reported below
            }
            Sandbox sandbox = new Sandbox(p, url instanceof String u ? u : null, log, stderrDrain);
            if (sandbox.url == null) {
                int code = sandbox.stop();
                synchronized (log) {
                    throw new IllegalStateException("the sandbox (exit code " + code
                            + ") did not print its listening line, got " + line + ":\n" + String.join("\n", log));
                }
            }
            drain(out, null);
            return sandbox;
        }

        private static Thread drain(BufferedReader in, List<String> into) {
            Thread t = new Thread(() -> {
                try {
                    for (String l; (l = in.readLine()) != null; ) {
                        if (into != null) {
                            synchronized (into) {
                                into.add(l);
                            }
                        }
                    }
                } catch (IOException e) {
                    // the process is gone
                }
            });
            t.setDaemon(true);
            t.start();
            return t;
        }

        /** SIGTERM, then wait: the sandbox shuts down gracefully and exits 0. */
        int stop() throws InterruptedException {
            // ProcessHandle.destroy sends SIGTERM but, unlike Process.destroy, leaves the pipes
            // open, so the sandbox can still log while it shuts down.
            process.toHandle().destroy();
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
            stderrDrain.join(5000);
            return process.exitValue();
        }

        /** The sandbox's own control API ({@code /__mock/...}): test scripting, not ChinaUMS. */
        Reply control(String method, String path, Object body) throws Exception {
            byte[] bytes = body == null ? null : Json.write(body).getBytes(StandardCharsets.UTF_8);
            return send(method, url + "/__mock" + path, bytes, Map.of("Content-Type", "application/json"));
        }

        /**
         * Sandbox time in UTC+8. In production: {@code OffsetDateTime.now(BEIJING)} (the gateway
         * rejects timestamps more than 10 minutes away from its own Beijing time).
         */
        OffsetDateTime beijingNow() throws Exception {
            return OffsetDateTime.parse(control("GET", "/clock", null).str("now")).withOffsetSameInstant(BEIJING);
        }
    }

    // ------------------------------------------------------------------------------------------
    // Just enough JSON (use Jackson or Gson in real code)
    // ------------------------------------------------------------------------------------------

    static final class Json {
        private final String s;
        private int i;

        private Json(String s) {
            this.s = s;
        }

        /** Objects become LinkedHashMap, arrays ArrayList, numbers BigDecimal. */
        static Object parse(String text) {
            Json p = new Json(text);
            Object v = p.value();
            p.ws();
            if (p.i != text.length()) {
                throw new IllegalArgumentException("trailing characters at " + p.i + ": " + text);
            }
            return v;
        }

        /** The member at a dotted path ("miniPayRequest.package"), or null. */
        static Object at(Object json, String path) {
            for (String key : path.split("\\.")) {
                json = json instanceof Map<?, ?> m ? m.get(key) : null;
            }
            return json;
        }

        static String write(Object v) {
            StringBuilder b = new StringBuilder();
            write(b, v);
            return b.toString();
        }

        private static void write(StringBuilder b, Object v) {
            if (v instanceof String str) {
                b.append('"');
                for (char c : str.toCharArray()) {
                    switch (c) {
                        case '"' -> b.append("\\\"");
                        case '\\' -> b.append("\\\\");
                        case '\n' -> b.append("\\n");
                        case '\r' -> b.append("\\r");
                        case '\t' -> b.append("\\t");
                        default -> b.append(c < 0x20 ? String.format("\\u%04x", (int) c) : String.valueOf(c));
                    }
                }
                b.append('"');
            } else if (v instanceof Map<?, ?> m) {
                b.append('{');
                String sep = "";
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    b.append(sep);
                    write(b, String.valueOf(e.getKey()));
                    b.append(':');
                    write(b, e.getValue());
                    sep = ",";
                }
                b.append('}');
            } else if (v instanceof List<?> l) {
                b.append('[');
                String sep = "";
                for (Object o : l) {
                    b.append(sep);
                    write(b, o);
                    sep = ",";
                }
                b.append(']');
            } else {
                b.append(v); // numbers, booleans, null
            }
        }

        private Object value() {
            ws();
            if (i >= s.length()) {
                throw new IllegalArgumentException("unexpected end of JSON: " + s);
            }
            char c = s.charAt(i);
            if (c == '{') {
                Map<String, Object> m = new LinkedHashMap<>();
                i++;
                ws();
                if (s.charAt(i) == '}') {
                    i++;
                    return m;
                }
                do {
                    ws();
                    String k = string();
                    ws();
                    expect(':');
                    m.put(k, value());
                    ws();
                } while (s.charAt(i++) == ',');
                if (s.charAt(i - 1) != '}') {
                    throw new IllegalArgumentException("expected } at " + (i - 1) + ": " + s);
                }
                return m;
            }
            if (c == '[') {
                List<Object> l = new ArrayList<>();
                i++;
                ws();
                if (s.charAt(i) == ']') {
                    i++;
                    return l;
                }
                do {
                    l.add(value());
                    ws();
                } while (s.charAt(i++) == ',');
                if (s.charAt(i - 1) != ']') {
                    throw new IllegalArgumentException("expected ] at " + (i - 1) + ": " + s);
                }
                return l;
            }
            if (c == '"') {
                return string();
            }
            for (String lit : new String[] {"true", "false", "null"}) {
                if (s.startsWith(lit, i)) {
                    i += lit.length();
                    return lit.equals("null") ? null : Boolean.valueOf(lit);
                }
            }
            int start = i;
            while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) {
                i++;
            }
            return new BigDecimal(s.substring(start, i)); // throws on anything else
        }

        private String string() {
            expect('"');
            StringBuilder b = new StringBuilder();
            for (char c; (c = s.charAt(i++)) != '"'; ) {
                if (c != '\\') {
                    b.append(c);
                    continue;
                }
                char e = s.charAt(i++);
                switch (e) {
                    case 'n' -> b.append('\n');
                    case 'r' -> b.append('\r');
                    case 't' -> b.append('\t');
                    case 'b' -> b.append('\b');
                    case 'f' -> b.append('\f');
                    case 'u' -> {
                        b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                        i += 4;
                    }
                    default -> b.append(e); // \" \\ \/
                }
            }
            return b.toString();
        }

        private void expect(char c) {
            if (i >= s.length() || s.charAt(i) != c) {
                throw new IllegalArgumentException("expected " + c + " at " + i + ": " + s);
            }
            i++;
        }

        private void ws() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
        }
    }
}
