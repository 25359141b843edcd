package dev.flinkresilience.operator.validate;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Which service account a job may run as. The JobManager's service account is what Flink's native
 * mode uses to create TaskManager pods, so naming one is naming rights: a job that could name any
 * account in its namespace could borrow a stronger one, and in the operator's own namespace the
 * operator's account itself, whose rights span every watched namespace.
 */
final class ServiceAccountRules {
  private static final String FIELD = "spec.serviceAccount";
  private static final Pattern DNS_1123_SUBDOMAIN =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  private static final int MAX_SUBDOMAIN_LENGTH = 253;

  private ServiceAccountRules() {}

  static void check(String account, String namespace, TenantPolicy policy, Violations v) {
    if (account == null || account.isEmpty()) {
      return; // the operator creates <name>-flink with the minimum a JobManager needs
    }
    if (account.length() > MAX_SUBDOMAIN_LENGTH || !DNS_1123_SUBDOMAIN.matcher(account).matches()) {
      v.add(
          FIELD,
          "must be empty (the operator creates one) or a service account name: a DNS-1123"
              + " subdomain of lowercase letters, digits, '-' and '.'; got "
              + Violations.echo(account));
      return;
    }
    var own = policy.operatorAccount();
    if (own.isPresent()
        && own.get().name().equals(account)
        && own.get().namespace().equals(namespace)) {
      v.add(
          FIELD,
          "must not be the operator's own service account "
              + own.get()
              + "; leave it empty and the operator creates "
              + "one with only what a JobManager needs");
      return;
    }
    List<String> allowed = policy.allowedServiceAccounts();
    if (!allowed.isEmpty() && allowed.stream().noneMatch(p -> matches(p, namespace, account))) {
      v.add(
          FIELD,
          "is not among the service accounts this operator allows ("
              + String.join(", ", allowed)
              + "); leave it empty and the operator creates one; got "
              + Violations.echo(account));
    }
  }

  /** {@code pattern} is NAME or NAMESPACE/NAME, '*' matching any run of characters. */
  static boolean matches(String pattern, String namespace, String account) {
    String p = pattern.trim();
    String subject = p.contains("/") ? namespace + "/" + account : account;
    return glob(p).matcher(subject).matches();
  }

  private static Pattern glob(String pattern) {
    return Pattern.compile(
        java.util.Arrays.stream(pattern.split("\\*", -1))
            .map(Pattern::quote)
            .collect(java.util.stream.Collectors.joining(".*")));
  }
}
