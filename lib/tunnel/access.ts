/**
 * Who may pass Cloudflare Access in front of an admin route.
 *
 * A person matches the policy when they match any one of its entries (an
 * email, an email domain or an Access group), after logging in with one of
 * the account's identity providers.
 *
 *   AccessPolicy.emails('ana@example.com', 'luis@example.com')
 *   AccessPolicy.emailDomains('example.com')
 *   AccessPolicy.groups('2cd9a1b4-3c4f-4c4e-9a36-0f3b8d7c1e52')
 *   AccessPolicy.anyOf(AccessPolicy.emailDomains('example.com'), AccessPolicy.emails('auditor@firm.es'))
 */
export class AccessPolicy {
  /** Admits these email addresses. */
  public static emails(...emails: string[]): AccessPolicy {
    return new AccessPolicy(emails, [], []);
  }

  /** Admits every address of these email domains (`example.com`, without `@`). */
  public static emailDomains(...domains: string[]): AccessPolicy {
    return new AccessPolicy([], domains, []);
  }

  /** Admits the members of these Access groups, by group id. */
  public static groups(...groupIds: string[]): AccessPolicy {
    return new AccessPolicy([], [], groupIds);
  }

  /** Admits whoever matches any of the given policies. */
  public static anyOf(...policies: AccessPolicy[]): AccessPolicy {
    return new AccessPolicy(
      policies.flatMap((p) => p.emails),
      policies.flatMap((p) => p.emailDomains),
      policies.flatMap((p) => p.groupIds),
    );
  }

  private constructor(
    /** Email addresses admitted. */
    public readonly emails: readonly string[],
    /** Email domains admitted. */
    public readonly emailDomains: readonly string[],
    /** Access group ids admitted. */
    public readonly groupIds: readonly string[],
  ) {}

  /** True when the policy admits nobody (no email, domain or group). */
  public get isEmpty(): boolean {
    return this.emails.length === 0 && this.emailDomains.length === 0 && this.groupIds.length === 0;
  }
}
