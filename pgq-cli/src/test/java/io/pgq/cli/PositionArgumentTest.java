package io.pgq.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgq.core.ConsumerPosition;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** Positions for --at, --to and --from: names, ticks, times ago and timestamps. */
class PositionArgumentTest {

    private static final Clock NOW = Clock.fixed(Instant.parse("2026-11-25T12:00:00Z"), ZoneOffset.UTC);

    @Test
    void relativeForms() {
        assertThat(at("1h")).isEqualTo("2026-11-25T11:00:00Z");
        assertThat(at("30m")).isEqualTo("2026-11-25T11:30:00Z");
        assertThat(at("90 s")).isEqualTo("2026-11-25T11:58:30Z");
        assertThat(at("2d ago")).isEqualTo("2026-11-23T12:00:00Z");
        assertThat(at("1.5h")).isEqualTo("2026-11-25T10:30:00Z");
    }

    @Test
    void timestamps() {
        assertThat(at("2026-11-25 10:00")).isEqualTo("2026-11-25T10:00:00Z");
        assertThat(at("2026-11-25 10:00:30")).isEqualTo("2026-11-25T10:00:30Z");
        assertThat(at("2026-11-25T10:00:00Z")).isEqualTo("2026-11-25T10:00:00Z");
        assertThat(at("2026-11-25T10:00:00.250Z")).isEqualTo("2026-11-25T10:00:00.250Z");
        assertThat(at("2026-11-25 12:00+02:00")).isEqualTo("2026-11-25T10:00:00Z");
        assertThat(at("2026-11-25T10:00")).isEqualTo("2026-11-25T10:00:00Z");
        assertThat(at("2026-11-25")).isEqualTo("2026-11-25T00:00:00Z");
        assertThat(PositionArgument.parse("tick:42", NOW)).isEqualTo(ConsumerPosition.tick(42));
        assertThat(PositionArgument.parse("earliest", NOW)).isEqualTo(ConsumerPosition.earliest());
    }

    @Test
    void badFormsNameTheGoodOnes() {
        for (String bad : new String[] {"yesterday", "2026-13-01 10:00", "2026-11-25 25:00", "1y", "10:00"}) {
            assertThatThrownBy(() -> PositionArgument.parse(bad, NOW)).as(bad)
                    .hasMessage("bad position '" + bad + "': use " + PositionArgument.FORMS);
        }
    }

    private static String at(String text) {
        return ((ConsumerPosition.AtTime) PositionArgument.parse(text, NOW)).time().toString();
    }
}
