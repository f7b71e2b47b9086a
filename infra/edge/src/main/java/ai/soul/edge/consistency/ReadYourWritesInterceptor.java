package ai.soul.edge.consistency;

import ai.soul.edge.auth.Caller;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.web.servlet.HandlerInterceptor;

/** Holds a read until the caller's own acknowledged writes are visible in the read models. */
public class ReadYourWritesInterceptor implements HandlerInterceptor {

    private final ReadYourWrites readYourWrites;

    public ReadYourWritesInterceptor(ReadYourWrites readYourWrites) {
        this.readYourWrites = readYourWrites;
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        if (("GET".equals(request.getMethod()) || "HEAD".equals(request.getMethod()))
                && request.getAttribute(Caller.class.getName()) instanceof Caller caller) {
            readYourWrites.awaitFor(caller.accountId());
        }
        return true;
    }
}
