package ai.soul.allinone;

import ai.soul.edge.auth.Caller;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import java.io.IOException;

/**
 * A route that answers an event stream, as a capability would add one; only {@link OneWebEdgeE2ETest}
 * starts the system with it ({@code --spring.main.sources}).
 */
@RestController
public class EventStreamRoute {

    @GetMapping(path = "/v1/test-events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    SseEmitter events(Caller caller) throws IOException {
        SseEmitter events = new SseEmitter(5_000L);
        events.send(SseEmitter.event().name("hello").data(caller.accountId()));
        events.complete();
        return events;
    }
}
