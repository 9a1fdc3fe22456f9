package dev.berth.api.console.usage;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.api.usage.history.UsageChart;
import dev.berth.api.usage.history.UsagePeriod;
import dev.berth.api.usage.history.UsageSeries;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;

/** A tenant's usage charts as a page shows them: the series, and the same series as JSON for the chart script to draw. */
@ApplicationScoped
public class UsageCharts {

    @Inject
    UsageSeries series;
    @Inject
    ObjectMapper mapper;

    /** What a page holding the charts renders; {@code base} is the page's URL, to which the period links add their parameter. */
    public record View(UsageChart chart, String json, String period, String base) {

        /** The query string separator after {@code base}. */
        public String join() {
            return base.contains("?") ? "&" : "?";
        }
    }

    /** An unknown or missing period shows hours. */
    public View of(String tenant, String period, String base) {
        UsagePeriod chosen = UsagePeriod.of(period).orElse(UsagePeriod.HOUR);
        UsageChart chart = series.of(tenant, chosen, Instant.now());
        try {
            return new View(chart, mapper.writeValueAsString(chart), chosen.id(), base);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the usage chart of " + tenant + " as JSON", e);
        }
    }
}
