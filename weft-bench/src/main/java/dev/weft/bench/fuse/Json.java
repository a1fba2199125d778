package dev.weft.bench.fuse;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict reader of one JSON value (RFC 8259), enough for fio's report: objects become {@link LinkedHashMap}s,
 * arrays {@link ArrayList}s, numbers {@link Double}s, {@code null} Java's null. Whitespace may follow the value;
 * anything else there is an error.
 */
final class Json {

    /** Malformed JSON: the message names what was expected, and {@link #offset} where. */
    static final class ParseException extends Exception {
        final int offset;

        ParseException(String message, int offset) {
            super(message);
            this.offset = offset;
        }
    }

    private final String s;
    private int i;

    private Json(String s, int start) {
        this.s = s;
        this.i = start;
    }

    /** The value that starts at {@code start} and runs to the end of {@code text} (less trailing whitespace). */
    static Object parse(String text, int start) throws ParseException {
        Json p = new Json(text, start);
        p.skipSpace();
        Object v = p.value();
        p.skipSpace();
        if (p.i != text.length()) {
            throw new ParseException("text after the end of the JSON value", p.i);
        }
        return v;
    }

    private Object value() throws ParseException {
        if (i >= s.length()) {
            throw new ParseException("a value expected, the text ended", i);
        }
        char c = s.charAt(i);
        return switch (c) {
            case '{' -> object();
            case '[' -> array();
            case '"' -> string();
            case 't' -> literal("true", Boolean.TRUE);
            case 'f' -> literal("false", Boolean.FALSE);
            case 'n' -> literal("null", null);
            default -> {
                if (c == '-' || (c >= '0' && c <= '9')) {
                    yield number();
                }
                throw new ParseException("a value expected, found '" + c + "'", i);
            }
        };
    }

    private Map<String, Object> object() throws ParseException {
        Map<String, Object> m = new LinkedHashMap<>();
        i++; // '{'
        skipSpace();
        if (peek() == '}') {
            i++;
            return m;
        }
        while (true) {
            skipSpace();
            if (peek() != '"') {
                throw new ParseException("a member name (a string) expected", i);
            }
            String key = string();
            skipSpace();
            expect(':');
            skipSpace();
            m.put(key, value());
            skipSpace();
            char c = peek();
            i++;
            if (c == '}') {
                return m;
            }
            if (c != ',') {
                throw new ParseException("',' or '}' expected in an object", i - 1);
            }
        }
    }

    private List<Object> array() throws ParseException {
        List<Object> a = new ArrayList<>();
        i++; // '['
        skipSpace();
        if (peek() == ']') {
            i++;
            return a;
        }
        while (true) {
            skipSpace();
            a.add(value());
            skipSpace();
            char c = peek();
            i++;
            if (c == ']') {
                return a;
            }
            if (c != ',') {
                throw new ParseException("',' or ']' expected in an array", i - 1);
            }
        }
    }

    private String string() throws ParseException {
        int start = i;
        i++; // '"'
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (i >= s.length()) {
                throw new ParseException("unterminated string", start);
            }
            char c = s.charAt(i++);
            if (c == '"') {
                return sb.toString();
            }
            if (c < 0x20) {
                throw new ParseException("control character in a string", i - 1);
            }
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            if (i >= s.length()) {
                throw new ParseException("unterminated escape", i);
            }
            char e = s.charAt(i++);
            switch (e) {
                case '"', '\\', '/' -> sb.append(e);
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case 'u' -> {
                    if (i + 4 > s.length()) {
                        throw new ParseException("\\u needs 4 hex digits", i);
                    }
                    try {
                        sb.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                    } catch (NumberFormatException x) {
                        throw new ParseException("\\u needs 4 hex digits", i);
                    }
                    i += 4;
                }
                default -> throw new ParseException("unknown escape '\\" + e + "'", i - 1);
            }
        }
    }

    private Double number() throws ParseException {
        int start = i;
        if (peek() == '-') {
            i++;
        }
        int digits = i;
        while (i < s.length() && Character.isDigit(s.charAt(i))) {
            i++;
        }
        if (i == digits) {
            throw new ParseException("digits expected in a number", i);
        }
        if (i < s.length() && s.charAt(i) == '.') {
            i++;
            int fraction = i;
            while (i < s.length() && Character.isDigit(s.charAt(i))) {
                i++;
            }
            if (i == fraction) {
                throw new ParseException("digits expected after '.'", i);
            }
        }
        if (i < s.length() && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
            i++;
            if (i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
                i++;
            }
            int exponent = i;
            while (i < s.length() && Character.isDigit(s.charAt(i))) {
                i++;
            }
            if (i == exponent) {
                throw new ParseException("digits expected in an exponent", i);
            }
        }
        return Double.parseDouble(s.substring(start, i));
    }

    private Object literal(String word, Object v) throws ParseException {
        if (!s.startsWith(word, i)) {
            throw new ParseException("a value expected", i);
        }
        i += word.length();
        return v;
    }

    private void expect(char c) throws ParseException {
        if (peek() != c) {
            throw new ParseException("'" + c + "' expected", i);
        }
        i++;
    }

    /** The next character, or NUL at the end (which no caller accepts). */
    private char peek() {
        return i < s.length() ? s.charAt(i) : '\0';
    }

    private void skipSpace() {
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            i++;
        }
    }
}
