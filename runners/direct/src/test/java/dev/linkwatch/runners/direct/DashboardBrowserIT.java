package dev.linkwatch.runners.direct;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.linkwatch.contract.OutputContract;
import dev.linkwatch.dashboard.Dashboard;
import dev.linkwatch.local.LocalKafka;
import dev.linkwatch.local.TweetGenerator;
import dev.linkwatch.pipeline.ConfigFile;
import dev.linkwatch.pipeline.LinkwatchPipeline;
import dev.linkwatch.testing.KafkaClients;
import dev.linkwatch.testing.SharedKafka;
import java.io.File;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.apache.beam.sdk.PipelineResult;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard as a person sees it: a real broker, the pipeline streaming on the DirectRunner, the
 * dashboard in this JVM, and the page in headless Chromium from the system packages (driven by
 * Selenium through the system chromedriver; Selenium Manager never runs, so nothing is downloaded).
 * The charts draw, a new matched post appears within 5 s with its matched words marked, the domain
 * view lists its URL, the CSV export parses strictly, and a hostile post renders as text without
 * running any of its script. The page's screenshot is kept as target/dashboard.png.
 */
@ExtendWith(SharedKafka.class)
class DashboardBrowserIT {
  /** Debian's chromium and chromium-driver packages put them here; -Dlinkwatch.chromium/-Dlinkwatch.chromedriver elsewhere. */
  static final Path CHROMIUM = Path.of(System.getProperty("linkwatch.chromium", "/usr/bin/chromium"));
  static final Path CHROMEDRIVER = Path.of(System.getProperty("linkwatch.chromedriver", "/usr/bin/chromedriver"));
  static final DateTimeFormatter TWITTER_TIME =
      DateTimeFormatter.ofPattern("EEE MMM dd HH:mm:ss Z yyyy", Locale.ROOT).withZone(ZoneOffset.UTC);

  /** A v1.1 tweet posted now, linking {@code urls}. */
  static byte[] tweet(String id, String text, String... urls) {
    StringBuilder links = new StringBuilder();
    for (String u : urls) {
      links.append(links.length() == 0 ? "" : ",").append("{\"url\":\"https://t.co/x\",\"expanded_url\":")
          .append(quote(u)).append('}');
    }
    String json = "{\"created_at\":\"" + TWITTER_TIME.format(Instant.now()) + "\",\"id_str\":\"" + id + "\",\"text\":" + quote(text)
        + ",\"entities\":{\"urls\":[" + links + "]},\"user\":{\"screen_name\":\"someone\"},\"lang\":\"en\"}";
    return json.getBytes(StandardCharsets.UTF_8);
  }

  static String quote(String s) {
    try {
      return OutputContract.STRICT.writeValueAsString(s);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void thePageShowsCountsMatchesAndEvidenceAndRunsNoScriptFromPosts(LocalKafka kafka) throws Exception {
    Assumptions.assumeTrue(
        Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
        "SKIPPED: the browser test needs Chromium and its driver from the system packages"
            + " (apt-get install chromium chromium-driver), and " + CHROMIUM + " or " + CHROMEDRIVER + " is missing");
    Path seleniumCache = Path.of(System.getProperty("user.home"), ".cache", "selenium");
    boolean cacheBefore = Files.exists(seleniumCache);

    String in = "it.dash." + UUID.randomUUID().toString().substring(0, 8);
    kafka.createTopics(2, in, in + ".matched", in + ".unmatched", in + ".errors", in + ".counts");
    String bootstrap = kafka.bootstrapServers();
    String leakDomain = "leak-" + in.substring(8) + ".example";

    // Some traffic, a hostile post, then the job.
    TweetGenerator generator = new TweetGenerator(7, 0.05, Instant.now());
    try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(bootstrap)) {
      for (int i = 0; i < 150; i++) {
        producer.send(new ProducerRecord<>(in, generator.next().value()));
      }
      producer.send(new ProducerRecord<>(in, tweet(
          "9000000001",
          "Little Mix Glory Days <script>window.__pwned=1</script><img src=x onerror=\"window.__pwned=2\"> zip",
          "http://hostile-" + leakDomain + "/a?q=<b>x</b>",
          "javascript:window.__pwned=3"))).get();
    }

    Dashboard.Config config =
        Dashboard.Config.defaults(bootstrap)
            .withTopics(in + ".matched", in + ".unmatched", in + ".errors", in + ".counts")
            .withConsumerGroup(in)
            .withAddress("127.0.0.1", 0)
            .withHistory(10_000, Duration.ofSeconds(5));
    PipelineResult job = null;
    ChromeDriver browser = null;
    try (Dashboard dashboard = Dashboard.start(config)) {
      job = LinkwatchPipeline.run(ConfigFile.parse(
          "--runner=DirectRunner",
          "--streaming=true",
          "--blockOnRun=false",
          "--bootstrapServers=" + bootstrap,
          "--inputTopic=" + in,
          "--matchedTopic=" + in + ".matched",
          "--unmatchedTopic=" + in + ".unmatched",
          "--errorsTopic=" + in + ".errors",
          "--countsTopic=" + in + ".counts",
          "--consumerGroup=" + in,
          "--timeDomain=processing",
          "--batchSeconds=2",
          "--windowSeconds=10",
          "--slideSeconds=2",
          "--unshorten=false",
          "--printCounts=false"));

      browser = chromium();
      browser.get(dashboard.url().toString());
      WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(40), Duration.ofMillis(100));
      JavascriptExecutor js = browser;

      // The charts draw: the counts chart's canvas holds the inbound and matched lines' colours.
      wait.withMessage("no matched-line pixels in the counts chart").until(d -> linePixels(js, 198, 40, 40) > 20);
      assertThat(linePixels(js, 29, 35, 48)).as("inbound line pixels").isGreaterThan(20);
      assertThat(browser.findElement(By.id("chart-counts")).getAttribute("data-points")).isNotEqualTo("0");

      // A new matched post appears on the page within 5 s of the job writing it, with exactly its
      // matched words marked. The clock starts at the matched record's append time, not at the send:
      // how long the job takes (a DirectRunner on a loaded machine took 10 s once) is not the page's.
      wait.withMessage("the first matches never showed").until(d -> !d.findElements(By.cssSelector("#matches li.match")).isEmpty());
      String marker = "zz" + UUID.randomUUID().toString().substring(0, 6);
      String fresh = "Little Mix Glory Days full album " + marker;
      String leakUrl = "http://" + leakDomain + "/glory-days-" + marker + ".zip";
      try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(bootstrap)) {
        producer.send(new ProducerRecord<>(in, tweet("9000000002", fresh, leakUrl))).get();
      }
      long sentMillis = System.currentTimeMillis();
      By freshItem = By.xpath("//ol[@id='matches']/li[contains(., '" + marker + "')]");
      new WebDriverWait(browser, Duration.ofSeconds(90), Duration.ofMillis(50))
          .withMessage("the new match never showed on the page")
          .until(d -> !d.findElements(freshItem).isEmpty());
      long appearedMillis = System.currentTimeMillis();
      ConsumerRecord<byte[], byte[]> written = matchedKafkaRecord(bootstrap, in + ".matched", marker);
      System.out.println("new match on the page " + (appearedMillis - written.timestamp()) + " ms after the job wrote it ("
          + (written.timestamp() - sentMillis) + " ms from the send to the job's write, by its Kafka timestamp)");
      assertThat(appearedMillis - written.timestamp())
          .as("ms from the job's write of the match to the page showing it")
          .isLessThanOrEqualTo(5_000);
      WebElement item = browser.findElement(freshItem);
      List<String> marks = item.findElements(By.tagName("mark")).stream().map(WebElement::getText).toList();
      JsonNode record = OutputContract.check("matched", written.value());
      List<String> expected = new ArrayList<>();
      for (JsonNode h : record.at("/enriched/hits")) {
        expected.add(fresh.substring(h.path("start").asInt(), h.path("end").asInt()));
      }
      assertThat(expected).containsExactly("Little Mix", "Glory Days");
      assertThat(marks).isEqualTo(expected);

      // The domain view lists the URL; its CSV export parses strictly and holds it.
      item.findElement(By.cssSelector("a.domain-link")).click();
      wait.withMessage("the domain view did not list " + leakUrl)
          .until(d -> d.findElement(By.id("domain-urls")).getText().contains(leakUrl));
      assertThat(browser.findElement(By.id("domain-name")).getText()).isEqualTo(leakDomain);
      String csvHref = browser.findElement(By.id("domain-csv")).getAttribute("href");
      String csv = (String) js.executeAsyncScript(
          "const done = arguments[arguments.length - 1];"
              + "fetch(arguments[0]).then(r => r.text()).then(done, e => done('FAILED ' + e));",
          csvHref);
      List<CSVRecord> rows;
      try (CSVParser p = CSVParser.parse(new StringReader(csv), CSVFormat.RFC4180.builder().setHeader().get())) {
        assertThat(p.getHeaderNames()).containsExactly(
            "domain", "url", "linked_as", "resolution", "first_seen", "last_seen", "count", "post_url", "post_text");
        rows = p.getRecords();
      }
      assertThat(rows).anySatisfy(r -> {
        assertThat(r.get("domain")).isEqualTo(leakDomain);
        assertThat(r.get("url")).isEqualTo(leakUrl);
        assertThat(r.get("count")).isEqualTo("1");
        assertThat(r.get("post_text")).isEqualTo(fresh);
        assertThat(r.get("post_url")).isEqualTo("https://x.com/i/status/9000000002");
        assertThat(Instant.parse(r.get("first_seen"))).isEqualTo(Instant.parse(r.get("last_seen")));
      });

      // The hostile post: its markup is text, its javascript: link is no link, nothing of it ran.
      By hostile = By.xpath("//ol[@id='matches']/li[contains(., 'window.__pwned=1')]");
      wait.withMessage("the hostile post never showed").until(d -> !d.findElements(hostile).isEmpty());
      WebElement h = browser.findElement(hostile);
      assertThat(h.findElement(By.cssSelector(".post-text")).getText())
          .contains("<script>window.__pwned=1</script><img src=x onerror=\"window.__pwned=2\">");
      assertThat(h.findElements(By.cssSelector("script, img, b"))).isEmpty();
      assertThat(h.findElements(By.cssSelector("a[href^='javascript']"))).isEmpty();
      assertThat(h.findElements(By.cssSelector(".unsafe")).stream().map(WebElement::getText))
          .contains("javascript:window.__pwned=3");
      assertThat(browser.findElements(By.cssSelector("main script, main img"))).isEmpty();
      assertThat(js.executeScript("return typeof window.__pwned")).isEqualTo("undefined");

      Path shot = Path.of("target", "dashboard.png");
      Files.createDirectories(shot.getParent());
      Files.write(shot, ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));

      // The job stops: the page says the data is stale once nothing came for the stale time (5 s).
      job.cancel();
      job = null;
      new WebDriverWait(browser, Duration.ofSeconds(15), Duration.ofMillis(200))
          .withMessage("the page never said the data is stale")
          .until(d -> "stale".equals(d.findElement(By.id("status")).getAttribute("data-state")));
      assertThat(browser.findElement(By.id("status")).getText()).startsWith("stale: no record for ");
    } finally {
      if (browser != null) {
        browser.quit();
      }
      if (job != null) {
        job.cancel();
      }
    }
    assertThat(Files.exists(seleniumCache)).as("Selenium Manager ran (it downloads drivers)").isEqualTo(cacheBefore);
  }

  /** Headless Chromium through the system chromedriver; with both paths given, Selenium Manager is not asked. */
  static ChromeDriver chromium() {
    System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,1500",
        "--no-first-run", "--disable-extensions", "--disable-background-networking");
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(CHROMEDRIVER.toFile())
            .usingAnyFreePort()
            .withLogFile(new File("target/chromedriver.log"))
            .build();
    return new ChromeDriver(service, options);
  }

  /** Pixels of the counts chart's canvas close to colour (r, g, b): a drawn series line. */
  static long linePixels(JavascriptExecutor js, int r, int g, int b) {
    Object n = js.executeScript(
        "const c = document.querySelector('#chart-counts canvas'); if (!c) return 0;"
            + "const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; let n = 0;"
            + "for (let i = 0; i < d.length; i += 4) {"
            + "  if (d[i + 3] > 200 && Math.abs(d[i] - arguments[0]) < 24 && Math.abs(d[i + 1] - arguments[1]) < 24"
            + "      && Math.abs(d[i + 2] - arguments[2]) < 24) n++; }"
            + "return n;",
        r, g, b);
    return ((Number) n).longValue();
  }

  /** The matched record of the post carrying {@code marker} (each record read strictly). */
  static ConsumerRecord<byte[], byte[]> matchedKafkaRecord(String bootstrap, String topic, String marker) {
    List<ConsumerRecord<byte[], byte[]>> records =
        KafkaClients.readAll(bootstrap, List.of(topic), 1, Duration.ofSeconds(20)).get(topic);
    for (ConsumerRecord<byte[], byte[]> r : records) {
      if (OutputContract.check("matched", r.value()).path("text").asText().contains(marker)) {
        return r;
      }
    }
    throw new AssertionError("no matched record with " + marker + " among " + records.size());
  }
}
