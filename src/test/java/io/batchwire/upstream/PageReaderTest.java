package io.batchwire.upstream;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The streaming page reader: rows kept as the bytes the upstream wrote, whatever way the answer is cut into chunks,
 * the next position from the top level only, and every hostile or broken answer refused with nothing held.
 */
class PageReaderTest {

    private static final String PAGE = "{\"meta\":{\"results\":[\"not these\"],\"next\":\"nor this\"},"
            + "\"results\":[ {\"id\":1,\"name\":\"Ä \\\"q\\\"\",\"n\":1.50E+3,\"tags\":[\"a\",{\"b\":[]}]} ,"
            + "{\"id\":2,\"k\":{},\"s\":\"}{][\"},[1,2],\"plain\",7,null,true],\"total\":3,\"next\":\"c-2\",\"after\":[{\"x\":1}]}";

    private static PageReader.Result read(String body, int chunk, int maxRowBytes, int maxRows) {
        return read(body.getBytes(StandardCharsets.UTF_8), chunk, maxRowBytes, maxRows, "next");
    }

    private static PageReader.Result read(byte[] bytes, int chunk, int maxRowBytes, int maxRows, String next) {
        PageReader reader = new PageReader(PageReader.factory(maxRowBytes), "results", next, maxRowBytes, maxRows);
        for (int i = 0; i < bytes.length; i += chunk) {
            if (!reader.chunk(Arrays.copyOfRange(bytes, i, Math.min(bytes.length, i + chunk)))) {
                break;
            }
        }
        return reader.end();
    }

    @Test
    void rowsAreTheUpstreamsBytesHoweverTheAnswerIsCut() {
        List<String> expected = List.of("{\"id\":1,\"name\":\"Ä \\\"q\\\"\",\"n\":1.50E+3,\"tags\":[\"a\",{\"b\":[]}]}",
                "{\"id\":2,\"k\":{},\"s\":\"}{][\"}", "[1,2]", "\"plain\"", "7", "null", "true");
        for (int chunk : new int[]{1, 2, 3, 7, 16, 64, 10_000}) {
            PageReader.Result page = read(PAGE, chunk, 1000, 100);
            assertThat(page.refused()).as("chunks of %d: %s", chunk, page.message()).isFalse();
            assertThat(page.rows()).as("chunks of %d", chunk).containsExactlyElementsOf(expected);
            assertThat(page.next()).isEqualTo("c-2");
        }
    }

    @Test
    void anArrayAnswerIsTheRowsAndANullOrEmptyNextIsTheEnd() {
        PageReader.Result array = read("[{\"a\":1}, {\"a\":2}]", 5, 100, 10);
        assertThat(array.rows()).containsExactly("{\"a\":1}", "{\"a\":2}");
        assertThat(array.next()).isNull();
        assertThat(read("{\"results\":[],\"next\":null}", 4, 100, 10).next()).isNull();
        assertThat(read("{\"next\":\"\",\"results\":[{}]}", 4, 100, 10).next()).isNull();
        assertThat(read("{\"next\":42,\"results\":[{}]}", 4, 100, 10).next()).isEqualTo("42");
        // without a next field, the answer's next is not read
        PageReader.Result noNext = read("{\"next\":\"x\",\"results\":[{}]}".getBytes(StandardCharsets.UTF_8), 3, 100, 10, null);
        assertThat(noNext.next()).isNull();
        assertThat(noNext.rows()).containsExactly("{}");
    }

    @Test
    void aRowOverItsBoundIsRefusedWhereverItIsCut() {
        String big = "{\"results\":[{\"a\":1},{\"s\":[" + "1,".repeat(200) + "1]}],\"next\":\"n\"}";
        for (int chunk : new int[]{1, 13, 100_000}) {
            PageReader.Result page = read(big, chunk, 100, 10);
            assertThat(page.code()).isEqualTo(PageReader.ROW_TOO_LARGE);
            assertThat(page.message()).contains("row 1").contains("100 bytes");
            assertThat(page.rows()).isEmpty();
        }
        // a long string anywhere is over the bound too, inside a row or not
        PageReader.Result string = read("{\"junk\":\"" + "x".repeat(500) + "\",\"results\":[]}", 64, 100, 10);
        assertThat(string.code()).isEqualTo(PageReader.ROW_TOO_LARGE);
    }

    @Test
    void aPageWithTooManyRowsIsRefused() {
        StringBuilder b = new StringBuilder("{\"results\":[");
        for (int i = 0; i < 11; i++) {
            b.append(i == 0 ? "" : ",").append("{\"i\":").append(i).append('}');
        }
        PageReader.Result page = read(b.append("]}").toString(), 8, 100, 10);
        assertThat(page.code()).isEqualTo(PageReader.TOO_MANY_ROWS);
        assertThat(page.message()).contains("more than 10 rows");
        assertThat(page.rows()).isEmpty();
        assertThat(read("[1,2,3,4,5,6,7,8,9,10,11]", 3, 100, 10).code()).isEqualTo(PageReader.TOO_MANY_ROWS);
    }

    @Test
    void brokenAnswersAreNotPages() {
        List<String> broken = new ArrayList<>(List.of(
                "", "   ", "<html>blocked</html>", "{\"results\":[{\"a\":1},", "{\"results\":[{\"a\":1}]",
                "{\"results\":{\"a\":1}}", "{\"other\":[1]}", "{\"results\":[1]} {\"results\":[2]}", "{\"results\":[1,]}",
                "\"just a string\"", "{\"results\":[{\"a\":1}]}}"));
        for (String body : broken) {
            for (int chunk : new int[]{1, 4, 1000}) {
                PageReader.Result page = read(body, chunk, 100, 10);
                assertThat(page.code()).as("%s in chunks of %d", body, chunk).isEqualTo(PageReader.NOT_A_PAGE);
                assertThat(page.rows()).isEmpty();
            }
        }
        assertThat(read("{\"results\":[{\"a\":1}", 3, 100, 10).message()).contains("truncated");
        assertThat(read("{\"other\":[1]}", 3, 100, 10).message()).contains("no array of rows in 'results'");
        // a byte sequence that is not UTF-8 is not JSON either
        byte[] bad = {'{', '"', 'r', 'e', 's', 'u', 'l', 't', 's', '"', ':', '[', '"', (byte) 0xC3, (byte) 0x28, '"', ']', '}'};
        assertThat(read(bad, 2, 100, 10, "next").code()).isEqualTo(PageReader.NOT_A_PAGE);
    }

    @Test
    void aLongStringIsRefusedEvenWhenThisThreadsParserBuffersAreAlreadyLarge() throws Exception {
        // Jackson recycles its buffers per thread: after a parse of a long string here, the next parser's text buffer
        // starts large, and Jackson's own length check (made when that buffer grows) would not fire
        try (var warm = new com.fasterxml.jackson.core.JsonFactory().createParser("[\"" + "y".repeat(20_000) + "\"]")) {
            while (warm.nextToken() != null) {
                warm.getText();
            }
        }
        PageReader.Result string = read("{\"junk\":\"" + "x".repeat(500) + "\",\"results\":[]}", 64, 100, 10);
        assertThat(string.code()).isEqualTo(PageReader.ROW_TOO_LARGE);
        PageReader.Result name = read("{\"" + "k".repeat(500) + "\":1,\"results\":[]}", 64, 100, 10);
        assertThat(name.code()).isEqualTo(PageReader.ROW_TOO_LARGE);
    }
}
