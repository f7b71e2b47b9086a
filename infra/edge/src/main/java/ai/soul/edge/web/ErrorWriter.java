package ai.soul.edge.web;

import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.MediaType;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;

/** Writes the envelope where no controller advice reaches: servlet filters and the container's error page. */
public class ErrorWriter {

    private final JsonMapper json;

    public ErrorWriter(JsonMapper json) {
        this.json = json;
    }

    public void write(HttpServletResponse response, ApiException error) throws IOException {
        if (response.isCommitted()) {
            return;
        }
        response.resetBuffer();
        response.setStatus(error.status().value());
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        response.getOutputStream().write(json.writeValueAsBytes(ErrorEnvelope.of(error)));
    }
}
