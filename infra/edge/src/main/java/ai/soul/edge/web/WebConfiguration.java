package ai.soul.edge.web;

import ai.soul.edge.EdgeFilters;
import ai.soul.edge.attachment.AttachmentLimits;
import ai.soul.edge.auth.CallerResolver;
import ai.soul.edge.consistency.ReadYourWrites;
import ai.soul.edge.consistency.ReadYourWritesInterceptor;
import jakarta.servlet.MultipartConfigElement;
import org.apache.catalina.Lifecycle;
import org.apache.catalina.Pipeline;
import org.apache.catalina.Valve;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.format.FormatterRegistry;
import org.springframework.http.MediaType;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.http.converter.json.JacksonJsonHttpMessageConverter;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.type.LogicalType;

import java.util.List;

/** The web edge's own part: JSON, the error envelope on every path, routes, and the filters that judge a request before it runs. */
@Configuration(proxyBeanMethods = false)
@Import({ApiExceptionHandler.class, ErrorPage.class})
public class WebConfiguration {

    @Bean
    public JsonMapperBuilderCustomizer strictScalars() {
        // "title": 5 is a wrong type, not the string "5"
        return builder -> builder.withCoercionConfig(LogicalType.Textual, config -> config
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail));
    }

    @Bean
    public Routes routes(@Qualifier("requestMappingHandlerMapping") ObjectProvider<RequestMappingHandlerMapping> mappings) {
        return new Routes(mappings);
    }

    /**
     * Multipart parsing (only a route that consumes multipart asks for parts) streams each part to a temporary
     * file and stops at the per-file limit, so a large upload is never held in memory. Replaces Boot's
     * spring.servlet.multipart sizes, which would be a second place to set the same limit.
     */
    @Bean
    public MultipartConfigElement multipartConfigElement(AttachmentLimits attachments) {
        return new MultipartConfigElement(null, attachments.maxFileSize().toBytes(), attachments.maxRequestBytes(), 0);
    }

    @Bean
    public FilterRegistrationBean<PublicOriginFilter> publicOriginFilter(@Value("${soul.public-url:}") String publicUrl) {
        return EdgeFilters.PUBLIC_ORIGIN.register(new PublicOriginFilter(publicUrl));
    }

    @Bean
    public FilterRegistrationBean<AcceptFilter> acceptFilter(Routes routes) {
        return EdgeFilters.ACCEPT.register(new AcceptFilter(routes));
    }

    /** A route that consumes multipart (an upload) takes the multipart request limit, every other one {@code soul.max-body-bytes}. */
    @Bean
    public FilterRegistrationBean<BodyLimitFilter> bodyLimitFilter(@Value("${soul.max-body-bytes}") long limit, Routes routes,
                                                                   MultipartConfigElement multipart) {
        return EdgeFilters.BODY_LIMIT.register(new BodyLimitFilter(request ->
                multipart.getMaxRequestSize() > 0 && routes.of(request).consumes().contains(MediaType.MULTIPART_FORM_DATA)
                        ? multipart.getMaxRequestSize() : limit));
    }

    /**
     * Tomcat's own error reports (requests it refuses before any filter runs) in the envelope. Spring
     * Boot puts a plain {@link ErrorReportValve} on the host (with server.error.include-stacktrace=never);
     * once every customizer has run, just before the host starts, ours takes its place.
     */
    @Bean
    public WebServerFactoryCustomizer<TomcatServletWebServerFactory> jsonErrorReports() {
        return factory -> factory.addContextCustomizers(context -> {
            StandardHost host = (StandardHost) context.getParent();
            host.setErrorReportValveClass(JsonErrorReportValve.class.getName());
            host.addLifecycleListener(event -> {
                if (Lifecycle.BEFORE_START_EVENT.equals(event.getType())) {
                    Pipeline pipeline = host.getPipeline();
                    for (Valve valve : pipeline.getValves()) {
                        if (valve instanceof ErrorReportValve && !(valve instanceof JsonErrorReportValve)) {
                            pipeline.removeValve(valve);
                        }
                    }
                    // the host adds the valve of its errorReportValveClass itself when there is none
                }
            });
        });
    }

    @Bean
    public WebMvcConfigurer soulWebMvc(ReadYourWrites readYourWrites) {
        return new WebMvcConfigurer() {
            @Override
            public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
                resolvers.add(new CallerResolver());
            }

            @Override
            public void addInterceptors(InterceptorRegistry registry) {
                registry.addInterceptor(new ReadYourWritesInterceptor(readYourWrites));
            }

            @Override
            public void addFormatters(FormatterRegistry registry) {
                registry.addConverter(new ResourceId.Check());
            }

            /** JSON bodies are read by {@link TypeErrors.Reader}, with the application's mapper; answers are written as before. */
            @Override
            public void extendMessageConverters(List<HttpMessageConverter<?>> converters) {
                converters.replaceAll(converter -> converter.getClass() == JacksonJsonHttpMessageConverter.class
                        ? new TypeErrors.Reader(((JacksonJsonHttpMessageConverter) converter).getMapper()) : converter);
            }
        };
    }
}
