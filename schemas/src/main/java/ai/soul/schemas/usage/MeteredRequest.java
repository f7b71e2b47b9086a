package ai.soul.schemas.usage;

import java.time.Instant;

/**
 * One API request as metered at the web edge, the record on the usage topic. {@code accountId} and
 * {@code keyId} are null when the request named no account (or the caller used an access token, for
 * the key); {@code route} is the route template ({@code /v1/conversations/{id}}), never the path
 * with its ids. No body, query or header goes into it.
 */
public record MeteredRequest(String accountId, String keyId, String method, String route, int status,
                             long requestBytes, long responseBytes, Instant at, long durationMs) {
}
