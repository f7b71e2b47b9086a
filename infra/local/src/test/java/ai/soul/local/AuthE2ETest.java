package ai.soul.local;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Logging in (password and OIDC id token), access tokens and their expiry, {@code /v1/me}, API keys
 * (issue, list, revoke with immediate effect) and tier changes, over HTTP against the whole system.
 * The identity provider is a real HTTP server publishing an RSA key set, as Firebase's does.
 */
class AuthE2ETest {

    static final String ISSUER = "https://securetoken.google.com/soul-test";
    static final String AUDIENCE = "soul-test";
    static final String PASSWORD = "correct horse battery";

    @TempDir
    static Path data;
    static HttpServer identityProvider;
    static RSAKey signingKey;
    static LocalSystem system;
    static Api api;

    @BeforeAll
    static void start() throws Exception {
        signingKey = new RSAKeyGenerator(2048).keyID("test-key").generate();
        identityProvider = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        byte[] jwks = new JWKSet(signingKey.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
        identityProvider.createContext("/jwks", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, jwks.length);
            exchange.getResponseBody().write(jwks);
            exchange.close();
        });
        identityProvider.start();
        system = LocalSystem.start(data, 0, Map.of(),
                "--soul.auth.oidc.issuer=" + ISSUER, "--soul.auth.oidc.audience=" + AUDIENCE,
                "--soul.auth.oidc.jwk-set-uri=http://127.0.0.1:" + identityProvider.getAddress().getPort() + "/jwks",
                "--management.endpoints.web.exposure.include=health,tiers");
        api = new Api("http://localhost:" + system.port());
    }

    @AfterAll
    static void stop() {
        system.close();
        identityProvider.stop(0);
    }

    static String email() {
        return "auth-" + UUID.randomUUID() + "@example.com";
    }

    static Api.Response login(String email, String password) {
        return api.post("/v1/auth/login", null, "{\"email\":\"" + email + "\",\"password\":\"" + password + "\"}");
    }

    static void assertError(Api.Response response, int status, String code) {
        assertThat(response.status()).as(response.raw().body()).isEqualTo(status);
        assertThat(response.body().get("error").get("code").asString()).isEqualTo(code);
        assertThat(response.body().get("error").get("status").asInt()).isEqualTo(status);
    }

    // ---------------------------------------------------------------- password login and tokens

    @Test
    void loginRightAfterRegisteringGivesATokenThatActsForTheAccount() {
        String email = email();
        Api.Response registered = api.post("/v1/auth/register", null,
                "{\"email\":\"" + email + "\",\"password\":\"" + PASSWORD + "\",\"name\":\"Alex\"}");
        String accountId = registered.body().get("user_id").asString();

        Api.Response login = login(email.toUpperCase(), PASSWORD);

        assertThat(login.status()).isEqualTo(200);
        String token = login.body().get("token").asString();
        assertThat(token.split("\\.")).hasSize(3);
        assertThat(login.body().get("token_type").asString()).isEqualTo("Bearer");
        Instant expiresAt = Instant.parse(login.body().get("expires_at").asString());
        assertThat(expiresAt).isBetween(Instant.now().plus(Duration.ofHours(23)), Instant.now().plus(Duration.ofHours(25)));
        assertThat(login.body().get("user").get("id").asString()).isEqualTo(accountId);
        assertThat(login.body().get("user").get("name").asString()).isEqualTo("Alex");
        assertThat(login.body().get("user").get("email").asString()).isEqualTo(email);

        Api.Response me = api.get("/v1/me", token);
        assertThat(me.status()).isEqualTo(200);
        assertThat(me.body().get("id").asString()).isEqualTo(accountId);
        assertThat(me.body().get("email").asString()).isEqualTo(email);
        assertThat(me.body().get("name").asString()).isEqualTo("Alex");
        assertThat(me.body().get("tier").asString()).isEqualTo("enterprise");
        assertThat(me.body().get("soul_id").asString()).isEqualTo("soul_" + accountId.substring(4));
        assertThat(Instant.parse(me.body().get("created_at").asString())).isBefore(Instant.now().plusSeconds(1));
        // the API key and the token name the same account
        assertThat(api.get("/v1/me", registered.body().get("api_key").asString()).body()).isEqualTo(me.body());
    }

    @Test
    void aWrongPasswordAndAnUnknownAddressAreRefusedAlike() {
        String email = email();
        api.register(email);
        Api.Response wrong = login(email, PASSWORD + "!");
        Api.Response unknown = login(email(), PASSWORD);

        assertError(wrong, 401, "unauthorized");
        assertError(unknown, 401, "unauthorized");
        assertThat(wrong.body().get("error").get("message")).isEqualTo(unknown.body().get("error").get("message"));
    }

    @Test
    void missingOrMistypedFieldsAreValidationErrors() {
        Api.Response missing = api.post("/v1/auth/login", null, "{}");
        assertError(missing, 422, "validation_error");
        assertThat(missing.body().get("error").get("details").get("fields").has("email")).isTrue();
        assertThat(missing.body().get("error").get("details").get("fields").has("password")).isTrue();

        assertError(api.post("/v1/auth/login", null, "{\"email\":5,\"password\":\"x\"}"), 422, "validation_error");
        assertError(api.post("/v1/auth/login", null, "{\"email\":\"a@b.co\""), 400, "bad_request");
        assertError(api.post("/v1/auth/login", null, "{\"id_token\":\"x\",\"email\":\"a@b.co\",\"password\":\"p\"}"), 422, "validation_error");
    }

    @Test
    void anExpiredATamperedOrAForeignTokenIsRefused() throws Exception {
        String email = email();
        api.register(email);
        String token = login(email, PASSWORD).body().get("token").asString();
        String accountId = api.get("/v1/me", token).body().get("id").asString();
        byte[] secret = Files.readString(data.resolve("secrets/token-secret")).strip().getBytes(StandardCharsets.UTF_8);

        String expired = hmacToken(secret, accountId, Instant.now().minusSeconds(1));
        String foreign = hmacToken("another deployment's secret, 32 bytes or more".getBytes(StandardCharsets.UTF_8), accountId,
                Instant.now().plusSeconds(3600));
        String tampered = token.substring(0, token.length() - 4) + (token.endsWith("AAAA") ? "BBBB" : "AAAA");

        assertThat(api.get("/v1/me", hmacToken(secret, accountId, Instant.now().plusSeconds(60))).status()).isEqualTo(200);
        for (String refused : new String[]{expired, foreign, tampered, "a.b.c", "not-a-key"}) {
            Api.Response response = api.get("/v1/me", refused);
            assertError(response, 401, "unauthorized");
        }
    }

    /** A token as the server makes them, signed with a given secret and expiry. */
    static String hmacToken(byte[] secret, String accountId, Instant expiresAt) throws Exception {
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer("urn:soul:backend").subject(accountId)
                .issueTime(Date.from(expiresAt.minusSeconds(3600))).expirationTime(Date.from(expiresAt)).claim("tier", "free").build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT).build(), claims);
        jwt.sign(new MACSigner(secret));
        return jwt.serialize();
    }

    // ---------------------------------------------------------------- API keys

    @Test
    void aNewKeyWorksAtOnceIsListedWithoutItsSecretAndRevocationTakesEffectAtOnce() {
        String first = api.register(email());
        Api.Response issued = api.post("/v1/api-keys", first, "{}");
        assertThat(issued.status()).isEqualTo(201);
        String second = issued.body().get("key").asString();
        String secondId = issued.body().get("id").asString();
        assertThat(second).startsWith("sk_").startsWith(issued.body().get("prefix").asString());
        assertThat(issued.body().get("status").asString()).isEqualTo("active");

        assertThat(api.get("/v1/me", second).status()).isEqualTo(200);
        Api.Response listed = api.get("/v1/api-keys", first);
        assertThat(listed.status()).isEqualTo(200);
        assertThat(listed.body().get("meta").get("total").asInt()).isEqualTo(2);
        JsonNode newest = listed.body().get("data").get(0);
        assertThat(newest.get("id").asString()).isEqualTo(secondId);
        assertThat(newest.get("prefix").asString()).isEqualTo(issued.body().get("prefix").asString());
        assertThat(newest.get("status").asString()).isEqualTo("active");
        assertThat(newest.has("created_at")).isTrue();
        assertThat(listed.raw().body()).doesNotContain(second).doesNotContain(first);

        Api.Response revoked = api.delete("/v1/api-keys/" + secondId, first);
        assertThat(revoked.status()).isEqualTo(200);
        assertThat(revoked.body().get("status").asString()).isEqualTo("revoked");
        // at once: no waiting between the revocation's answer and the refusal
        assertError(api.get("/v1/me", second), 401, "unauthorized");
        assertError(api.get("/v1/conversations", second), 401, "unauthorized");
        assertThat(api.get("/v1/me", first).status()).isEqualTo(200);
        assertThat(api.get("/v1/api-keys", first).body().get("data").get(0).get("status").asString()).isEqualTo("revoked");
        // revoking again changes nothing and says the same
        assertThat(api.delete("/v1/api-keys/" + secondId, first).body().get("status").asString()).isEqualTo("revoked");
    }

    @Test
    void aKeyThatIsInUseAndCachedIsRefusedRightAfterItsRevocation() {
        String owner = api.register(email());
        Api.Response issued = api.post("/v1/api-keys", owner, "{}");
        String key = issued.body().get("key").asString();
        for (int i = 0; i < 5; i++) {
            assertThat(api.get("/v1/me", key).status()).isEqualTo(200);
        }
        api.delete("/v1/api-keys/" + issued.body().get("id").asString(), key); // a key may revoke itself
        assertError(api.get("/v1/me", key), 401, "unauthorized");
    }

    @Test
    void anotherAccountsKeyOrAnUnknownOneIsNotFoundAndStaysActive() {
        String alice = api.register(email());
        String bob = api.register(email());
        String bobKeyId = api.get("/v1/api-keys", bob).body().get("data").get(0).get("id").asString();

        assertError(api.delete("/v1/api-keys/" + bobKeyId, alice), 404, "not_found");
        assertError(api.delete("/v1/api-keys/key_01JAAAAAAAAAAAAAAAAAAAAAAA", alice), 404, "not_found");
        assertError(api.delete("/v1/api-keys/%20", alice), 404, "not_found");
        assertThat(api.get("/v1/me", bob).status()).isEqualTo(200);
        assertThat(api.get("/v1/api-keys", alice).body().get("meta").get("total").asInt()).isEqualTo(1);
        assertError(api.get("/v1/api-keys?per_page=1000", alice), 400, "bad_request");
        assertError(api.get("/v1/api-keys", null), 401, "unauthorized");
    }

    // ---------------------------------------------------------------- tiers

    @Test
    void anOperatorChangesATierAndTheNextRequestSeesIt() {
        String key = api.register(email());
        String accountId = api.get("/v1/me", key).body().get("id").asString();

        Api.Response changed = api.post("/actuator/tiers/" + accountId, null, "{\"tier\":\"pro\"}");
        assertThat(changed.status()).as(changed.raw().body()).isEqualTo(200);
        assertThat(changed.body().get("tier").asString()).isEqualTo("pro");
        assertThat(api.get("/v1/me", key).body().get("tier").asString()).isEqualTo("pro");

        Api.Response unknown = api.post("/actuator/tiers/" + accountId, null, "{\"tier\":\"gold\"}");
        assertThat(unknown.status()).isBetween(400, 499);
        assertThat(api.get("/v1/me", key).body().get("tier").asString()).isEqualTo("pro");
    }

    // ---------------------------------------------------------------- OIDC

    static String idToken(RSAKey key, String subject, String email, boolean verified, String audience, Instant expiresAt) throws Exception {
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(ISSUER).subject(subject).audience(audience)
                .issueTime(Date.from(Instant.now().minusSeconds(10))).expirationTime(Date.from(expiresAt))
                .claim("email", email).claim("email_verified", verified).claim("name", "Firebase User").build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims);
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    static Api.Response loginWith(String field, String idToken) {
        return api.post("/v1/auth/login", null, "{\"" + field + "\":\"" + idToken + "\"}");
    }

    @Test
    void aFirstIdTokenLoginOpensAnAccountAndTheNextOneFindsIt() throws Exception {
        String subject = "uid-" + UUID.randomUUID();
        String email = email();
        Instant inAnHour = Instant.now().plusSeconds(3600);

        Api.Response first = loginWith("firebase_token", idToken(signingKey, subject, email, true, AUDIENCE, inAnHour));
        assertThat(first.status()).as(first.raw().body()).isEqualTo(200);
        String accountId = first.body().get("user").get("id").asString();
        assertThat(first.body().get("user").get("email").asString()).isEqualTo(email);
        assertThat(first.body().get("user").get("name").asString()).isEqualTo("Firebase User");
        String token = first.body().get("token").asString();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(api.get("/v1/me", token).body().get("email").asString()).isEqualTo(email));

        Api.Response second = loginWith("id_token", idToken(signingKey, subject, email, true, AUDIENCE, inAnHour));
        assertThat(second.body().get("user").get("id").asString()).isEqualTo(accountId);
        // the address is taken: a password registration of it is a conflict
        assertError(api.post("/v1/auth/register", null, "{\"email\":\"" + email + "\",\"password\":\"" + PASSWORD + "\"}"),
                409, "conflict");
        // and there is no password to log in with
        assertError(login(email, PASSWORD), 401, "unauthorized");
    }

    @Test
    void anIdTokenForTheAddressOfAPasswordAccountLogsIntoThatAccount() throws Exception {
        String email = email();
        String key = api.register(email);
        String accountId = api.get("/v1/me", key).body().get("id").asString();

        Api.Response login = loginWith("id_token", idToken(signingKey, "uid-" + UUID.randomUUID(), email, true, AUDIENCE,
                Instant.now().plusSeconds(600)));

        assertThat(login.status()).isEqualTo(200);
        assertThat(login.body().get("user").get("id").asString()).isEqualTo(accountId);
        assertThat(api.get("/v1/me", login.body().get("token").asString()).body().get("id").asString()).isEqualTo(accountId);
    }

    @Test
    void idTokensThatAreExpiredForeignForAnotherAudienceOrUnverifiedAreRefused() throws Exception {
        String email = email();
        Instant later = Instant.now().plusSeconds(600);
        RSAKey stranger = new RSAKeyGenerator(2048).keyID("test-key").generate();
        for (String token : new String[]{
                idToken(signingKey, "uid-x", email, true, AUDIENCE, Instant.now().minusSeconds(120)),
                idToken(stranger, "uid-x", email, true, AUDIENCE, later),
                idToken(signingKey, "uid-x", email, true, "another-project", later),
                idToken(signingKey, "uid-x", email, false, AUDIENCE, later),
                "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0."}) {
            assertError(loginWith("id_token", token), 401, "unauthorized");
        }
        // nothing was opened for the address
        assertThat(login(email, PASSWORD).status()).isEqualTo(401);
        assertThat(api.post("/v1/auth/register", null, "{\"email\":\"" + email + "\",\"password\":\"" + PASSWORD + "\"}").status())
                .isEqualTo(201);
    }
}
