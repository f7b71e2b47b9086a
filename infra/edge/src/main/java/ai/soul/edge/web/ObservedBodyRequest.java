package ai.soul.edge.web;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/** A request whose body tells an observer of every chunk as the handler reads it (to count it, to hash it). */
public class ObservedBodyRequest extends HttpServletRequestWrapper {

    /** Sees the bytes {@code buffer[offset, offset + length)} just read; may refuse them by throwing. */
    @FunctionalInterface
    public interface Observer {
        void read(byte[] buffer, int offset, int length);
    }

    private final Observer observer;
    private ServletInputStream stream;

    public ObservedBodyRequest(HttpServletRequest request, Observer observer) {
        super(request);
        this.observer = observer;
    }

    @Override
    public ServletInputStream getInputStream() throws IOException {
        if (stream == null) {
            ServletInputStream in = super.getInputStream();
            stream = new ServletInputStream() {
                private final byte[] one = new byte[1];

                @Override
                public int read() throws IOException {
                    int b = in.read();
                    if (b >= 0) {
                        one[0] = (byte) b;
                        observer.read(one, 0, 1);
                    }
                    return b;
                }

                @Override
                public int read(byte[] buffer, int offset, int length) throws IOException {
                    int n = in.read(buffer, offset, length);
                    if (n > 0) {
                        observer.read(buffer, offset, n);
                    }
                    return n;
                }

                @Override
                public boolean isFinished() {
                    return in.isFinished();
                }

                @Override
                public boolean isReady() {
                    return in.isReady();
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    in.setReadListener(listener);
                }
            };
        }
        return stream;
    }

    /** Over the observed stream: the container's own reader would read the body past the observer. */
    @Override
    public BufferedReader getReader() throws IOException {
        String encoding = getCharacterEncoding();
        return new BufferedReader(new InputStreamReader(getInputStream(), encoding == null ? StandardCharsets.UTF_8.name() : encoding));
    }
}
