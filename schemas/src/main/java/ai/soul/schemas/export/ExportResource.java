package ai.soul.schemas.export;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;

/**
 * An export as the API shows it. {@code status} is processing, completed, failed or expired;
 * {@code sizeMb}, {@code downloadUrl} and {@code expiresAt} are there once it is completed,
 * {@code error} once it failed.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ExportResource(
        String id,
        String status,
        String format,
        Integer progress,
        Double sizeMb,
        String downloadUrl,
        Instant expiresAt,
        Instant createdAt,
        String error) {

    public static String downloadPath(String exportId) {
        return "/v1/exports/" + exportId + "/download";
    }
}
