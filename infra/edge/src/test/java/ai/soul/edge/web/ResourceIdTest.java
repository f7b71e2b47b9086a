package ai.soul.edge.web;

import org.junit.jupiter.api.Test;
import org.springframework.core.MethodParameter;
import org.springframework.core.convert.ConversionFailedException;
import org.springframework.core.convert.TypeDescriptor;
import org.springframework.format.support.DefaultFormattingConversionService;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A malformed id is refused at conversion, once for every route, exactly like an id that does not exist. */
class ResourceIdTest {

    @SuppressWarnings("unused")
    void route(@ResourceId("conv") String id, String other) {
    }

    private final DefaultFormattingConversionService conversions = new DefaultFormattingConversionService();

    ResourceIdTest() {
        conversions.addConverter(new ResourceId.Check());
    }

    private Object convert(String value, int parameter) throws NoSuchMethodException {
        var method = getClass().getDeclaredMethod("route", String.class, String.class);
        return conversions.convert(value, TypeDescriptor.valueOf(String.class), new TypeDescriptor(new MethodParameter(method, parameter)));
    }

    @Test
    void aWellFormedIdPasses() throws Exception {
        assertThat(convert("conv_01JQ8X2Y3Z4A5B6C7D8E9F0G1H", 0)).isEqualTo("conv_01JQ8X2Y3Z4A5B6C7D8E9F0G1H");
    }

    @Test
    void anIdOfAnotherShapeIsNotFound() {
        for (String malformed : new String[]{"nope", " ", "", "conv_01jq8x2y3z4a5b6c7d8e9f0g1h", "att_01JQ8X2Y3Z4A5B6C7D8E9F0G1H"}) {
            assertThatThrownBy(() -> convert(malformed, 0)).isInstanceOf(ConversionFailedException.class)
                    .cause().isInstanceOfSatisfying(ApiException.class, e -> {
                        assertThat(e.code()).isEqualTo("not_found");
                        assertThat(e.getMessage()).isEqualTo("Conversation " + malformed + " not found");
                    });
        }
    }

    @Test
    void aPathVariableWithoutTheAnnotationIsLeftAlone() throws Exception {
        assertThat(convert("nope", 1)).isEqualTo("nope");
    }
}
