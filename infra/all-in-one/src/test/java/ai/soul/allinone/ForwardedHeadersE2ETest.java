package ai.soul.allinone;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Finding 15 of issue 10: behind the compose file's proxy every client shared the proxy's address,
 * and so one public rate-limit bucket. The apps trust X-Forwarded-For from the proxy alone (as
 * docker-compose.yml sets them, with 127.0.0.1 as the proxy here); local mode trusts it from nobody,
 * or any local client could name another address and escape its limit.
 */
class ForwardedHeadersE2ETest {

    /** Requests without an account: 3 a day per client address, the other windows out of the way. */
    static final String[] PUBLIC_LIMITS = {
            "--soul.rate-limits.public-endpoints.per-minute=1000",
            "--soul.rate-limits.public-endpoints.per-hour=1000",
            "--soul.rate-limits.public-endpoints.per-day=3"};

    @TempDir
    static Path behindProxyData;
    @TempDir
    static Path localData;
    static AllInOneSystem behindProxy;
    static AllInOneSystem local;

    @BeforeAll
    static void start() {
        behindProxy = AllInOneSystem.start(behindProxyData, 0, Map.of(), concat(PUBLIC_LIMITS,
                "--server.forward-headers-strategy=native", "--server.tomcat.remoteip.internal-proxies=127\\.0\\.0\\.1"));
        // as if in a Kubernetes pod, where Spring Boot would trust forwarded headers unless told otherwise
        local = AllInOneSystem.start(localData, 0, Map.of(), concat(PUBLIC_LIMITS, "--spring.main.cloud-platform=kubernetes"));
    }

    @AfterAll
    static void stop() {
        if (behindProxy != null) behindProxy.close();
        if (local != null) local.close();
    }

    @Test
    void behindTheProxyEachClientAddressHasABucketOfItsOwn() {
        Api api = api(behindProxy);
        exhaust(api, "203.0.113.7");
        Api.Response other = health(api, "198.51.100.9");
        assertThat(other.status()).isEqualTo(200);
        assertThat(other.header("X-RateLimit-Remaining")).isEqualTo("2");
        // a proxy that appends (nginx's $proxy_add_x_forwarded_for): what the client put before its
        // real address, the last entry, does not get it out of its own bucket
        assertThat(health(api, "198.51.100.77, 203.0.113.7").status()).isEqualTo(429);
    }

    @Test
    void locallyTheHeaderIsIgnored() {
        Api api = api(local);
        exhaust(api, "203.0.113.7");
        assertThat(health(api, "198.51.100.9").status()).as("another forwarded address, same client").isEqualTo(429);
        assertThat(health(api, null).status()).isEqualTo(429);
    }

    /** Spends an address's public allowance: three answers, then 429. */
    private static void exhaust(Api api, String address) {
        for (int i = 0; i < 3; i++) {
            assertThat(health(api, address).status()).isEqualTo(200);
        }
        assertThat(health(api, address).status()).isEqualTo(429);
    }

    private static Api.Response health(Api api, String forwardedFor) {
        HttpRequest.Builder request = api.request("/v1/health", null).GET();
        if (forwardedFor != null) request.header("X-Forwarded-For", forwardedFor);
        return api.send(request.build());
    }

    /** 127.0.0.1, never localhost: the trusted proxy is the IPv4 loopback address. */
    private static Api api(AllInOneSystem system) {
        return new Api("http://127.0.0.1:" + system.port());
    }

    private static String[] concat(String[] first, String... more) {
        String[] all = java.util.Arrays.copyOf(first, first.length + more.length);
        System.arraycopy(more, 0, all, first.length, more.length);
        return all;
    }
}
