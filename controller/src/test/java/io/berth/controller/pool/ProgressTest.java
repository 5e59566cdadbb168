package io.berth.controller.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The live display redraws one line per VM in place; plain output is one log line per step. */
class ProgressTest {

    @Test
    void theLiveDisplayRedrawsALinePerVmInPlace() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Progress live = new Progress.Live(new PrintStream(bytes, true, StandardCharsets.UTF_8), List.of("blue1", "blue2"));
        live.step("blue2", "power-on", "powered on", System.nanoTime());
        live.failed("blue1", "create", "lab: error: no room", System.nanoTime());
        String out = bytes.toString(StandardCharsets.UTF_8);
        String[] frames = out.split("\033\\[2A", -1);
        assertEquals(3, frames.length, "a first frame, then two redraws that go back up two lines: " + out);
        String last = frames[2];
        assertTrue(last.contains("blue1  FAILED at create: lab: error: no room"), last);
        assertTrue(last.contains("blue2  power-on: powered on"), last);
        assertTrue(last.indexOf("blue1") < last.indexOf("blue2"), "VMs keep their lines: " + last);
    }

    @Test
    void plainLinesSayWhichVmAndStep() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Progress lines = new Progress.Lines(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        lines.step("blue1", "address", "10.0.0.11", System.nanoTime());
        lines.failed("blue2", "ready", "not ready by the deadline", System.nanoTime());
        List<String> out = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(2, out.size(), out.toString());
        assertTrue(out.get(0).matches("info blue1: address: 10\\.0\\.0\\.11 \\(\\d+\\.\\d s\\)"), out.get(0));
        assertTrue(out.get(1).startsWith("error blue2: ready: not ready by the deadline"), out.get(1));
    }
}
