package ai.soul.edge.attachment;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * The limits on attachments: {@code soul.attachments.max-file-size} per file and
 * {@code soul.attachments.account-quota} for all the files of one account together.
 */
@ConfigurationProperties("soul.attachments")
public record AttachmentLimits(@DefaultValue("10MB") DataSize maxFileSize, @DefaultValue("100MB") DataSize accountQuota) {

    /** Room for the multipart framing around the file: boundaries, part headers, the optional filename field. */
    public static final long FRAMING_BYTES = 64 * 1024;

    /** The largest upload request taken: one file at the limit and its framing. */
    public long maxRequestBytes() {
        return maxFileSize.toBytes() + FRAMING_BYTES;
    }

    /** The one request that carries a file: {@code POST /v1/conversations/{id}/attachments}. */
    public static boolean isUpload(String method, String uri) {
        return "POST".equals(method) && uri.startsWith("/v1/conversations/") && uri.endsWith("/attachments")
                && uri.indexOf('/', "/v1/conversations/".length()) == uri.length() - "/attachments".length();
    }

    /** The one answer that is not JSON: {@code GET /v1/attachments/{id}/content}. */
    public static boolean isDownload(String method, String uri) {
        return ("GET".equals(method) || "HEAD".equals(method)) && uri.startsWith("/v1/attachments/") && uri.endsWith("/content")
                && uri.indexOf('/', "/v1/attachments/".length()) == uri.length() - "/content".length();
    }
}
