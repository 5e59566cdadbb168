package io.berth.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one YAML reader of agent.yml and berth.yml: a document as maps, lists and the scalars' own text, so {@code 010}
 * stays "010" and {@code yes} is not true. Duplicate keys and aliases are refused; errors name the path.
 */
final class Yaml {

    private static final YAMLFactory YAML = new YAMLFactory();

    private Yaml() {
    }

    /** The document's top-level mapping; an empty document is an error. */
    static Map<String, Object> root(String yaml) {
        Object document = read(yaml);
        if (document == null) {
            throw new ConfigException("config", "empty");
        }
        return mapping("config", document);
    }

    private static Object read(String yaml) {
        try (YAMLParser p = YAML.createParser(yaml)) {
            if (p.nextToken() == null) {
                return null;
            }
            Object document = read(p, "config");
            if (p.nextToken() != null) {
                throw new ConfigException("config", "more than one YAML document");
            }
            return document;
        } catch (JsonProcessingException e) {
            // Jackson's message spans lines and quotes the source: keep the line number only.
            JsonLocation at = e.getLocation();
            throw new ConfigException("config",
                    "not valid YAML" + (at == null || at.getLineNr() < 1 ? "" : " at line " + at.getLineNr()));
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a String has no I/O to fail
        }
    }

    private static Object read(YAMLParser p, String path) throws IOException {
        int line = p.currentTokenLocation().getLineNr();
        if (p.isCurrentAlias()) {
            // Jackson turns an alias into its anchor's name: a silently wrong value.
            throw new ConfigException(path, "YAML aliases are not supported (line " + line + ")");
        }
        return switch (p.currentToken()) {
            case START_OBJECT -> {
                Map<String, Object> map = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    String child = path.equals("config") ? name : path + "." + name;
                    if (map.containsKey(name)) {
                        throw new ConfigException(child, "duplicate key at line " + p.currentTokenLocation().getLineNr());
                    }
                    p.nextToken();
                    map.put(name, read(p, child));
                }
                yield map;
            }
            case START_ARRAY -> {
                List<Object> list = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    list.add(read(p, path + "[" + list.size() + "]"));
                }
                yield list;
            }
            case VALUE_NULL -> null;
            case VALUE_STRING, VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT, VALUE_TRUE, VALUE_FALSE -> p.getText();
            default -> throw new ConfigException(path, "unsupported YAML value at line " + line);
        };
    }

    @SuppressWarnings("unchecked") // read() builds maps with String keys only
    static Map<String, Object> mapping(String path, Object node) {
        if (node instanceof Map<?, ?> map) {
            return (Map<String, Object>) map;
        }
        throw new ConfigException(path, "expected a mapping, got " + describe(node));
    }

    static List<?> list(String path, Object node) {
        if (node instanceof List<?> list) {
            return list;
        }
        throw new ConfigException(path, "expected a list, got " + describe(node));
    }

    static String scalar(String path, Object node) {
        if (node instanceof String s) {
            return s;
        }
        throw new ConfigException(path, "expected a single value, got " + describe(node));
    }

    private static String describe(Object node) {
        return node == null ? "nothing" : node instanceof List ? "a list" : node instanceof Map ? "a mapping"
                : "a single value";
    }
}
