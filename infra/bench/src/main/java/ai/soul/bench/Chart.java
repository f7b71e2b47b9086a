package ai.soul.bench;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The lag percentiles against offered load, as a PNG. */
final class Chart {

    private Chart() {
    }

    @SuppressWarnings("unchecked")
    static void lagAgainstLoad(List<Map<String, Object>> curve, double p1, Path png) throws IOException {
        System.setProperty("java.awt.headless", "true");
        XYChart chart = new XYChartBuilder().width(900).height(560)
                .title(String.format("Write acknowledged → visible through the query API (P1 = %,.0f writes/s)", p1))
                .xAxisTitle("offered load, writes/s (open loop)").yAxisTitle("lag, ms").build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        double[] x = curve.stream().mapToDouble(p -> ((Number) p.get("offered_per_s")).doubleValue()).toArray();
        for (String percentile : List.of("p50", "p90", "p99")) {
            double[] y = curve.stream().mapToDouble(p -> {
                Object v = ((Map<String, Object>) p.get("lag_ms")).get(percentile);
                return v == null ? Double.NaN : ((Number) v).doubleValue();
            }).toArray();
            chart.addSeries("lag " + percentile, x, y).setMarker(SeriesMarkers.CIRCLE);
        }
        double[] ack = curve.stream().mapToDouble(p -> {
            Object v = ((Map<String, Object>) p.get("ack_ms")).get("p99");
            return v == null ? Double.NaN : ((Number) v).doubleValue();
        }).toArray();
        chart.addSeries("write ack p99", x, ack).setMarker(SeriesMarkers.DIAMOND);
        BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
    }
}
