package dev.flinkresilience.operator.ship;

import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metric names a PromQL expression reads, for the alerts' test. Enough PromQL for our alerts:
 * label matchers, ranges, by/on/without/ignoring lists and strings are dropped; what is left and
 * not a keyword or a function call is a metric name.
 */
final class AlertExpressions {
  private static final Pattern IDENT = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Set<String> KEYWORDS =
      Set.of("and", "or", "unless", "bool", "offset", "by", "on", "without", "ignoring");

  private AlertExpressions() {}

  static Set<String> metricNames(String expr) {
    String s =
        expr.replaceAll("\\{[^}]*}", " ")
            .replaceAll("\\[[^]]*]", " ")
            .replaceAll("\"[^\"]*\"", " ")
            .replaceAll("\\b(by|on|without|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ")
            .replaceAll("\\boffset\\s+\\w+", " ");
    Set<String> out = new TreeSet<>();
    Matcher m = IDENT.matcher(s);
    while (m.find()) {
      String word = m.group();
      boolean call = s.substring(m.end()).stripLeading().startsWith("(");
      if (!call && !KEYWORDS.contains(word) && !Character.isDigit(word.charAt(0))) {
        out.add(word);
      }
    }
    return out;
  }
}
