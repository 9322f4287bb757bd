/**
 * A DigitalOcean droplet size. Use a static member; `DropletSize.of('slug')`
 * is the escape for a size this catalogue does not know yet.
 */
export class DropletSize {
  /** 1 vCPU, 1 GiB (basic). */
  public static readonly S_1VCPU_1GB = new DropletSize('s-1vcpu-1gb', 1, 1024);
  /** 1 vCPU, 2 GiB (basic). */
  public static readonly S_1VCPU_2GB = new DropletSize('s-1vcpu-2gb', 1, 2048);
  /** 2 vCPU, 2 GiB (basic). */
  public static readonly S_2VCPU_2GB = new DropletSize('s-2vcpu-2gb', 2, 2048);
  /** 2 vCPU, 4 GiB (basic). */
  public static readonly S_2VCPU_4GB = new DropletSize('s-2vcpu-4gb', 2, 4096);
  /** 4 vCPU, 8 GiB (basic). */
  public static readonly S_4VCPU_8GB = new DropletSize('s-4vcpu-8gb', 4, 8192);
  /** 8 vCPU, 16 GiB (basic). */
  public static readonly S_8VCPU_16GB = new DropletSize('s-8vcpu-16gb', 8, 16384);
  /** 2 vCPU, 8 GiB (general purpose, dedicated CPU). */
  public static readonly G_2VCPU_8GB = new DropletSize('g-2vcpu-8gb', 2, 8192);
  /** 4 vCPU, 16 GiB (general purpose, dedicated CPU). */
  public static readonly G_4VCPU_16GB = new DropletSize('g-4vcpu-16gb', 4, 16384);
  /** 2 vCPU, 4 GiB (CPU optimized). */
  public static readonly C_2 = new DropletSize('c-2', 2, 4096);
  /** 4 vCPU, 8 GiB (CPU optimized). */
  public static readonly C_4 = new DropletSize('c-4', 4, 8192);

  /** Every size this catalogue knows. */
  public static readonly ALL: readonly DropletSize[] = [
    DropletSize.S_1VCPU_1GB, DropletSize.S_1VCPU_2GB, DropletSize.S_2VCPU_2GB, DropletSize.S_2VCPU_4GB,
    DropletSize.S_4VCPU_8GB, DropletSize.S_8VCPU_16GB, DropletSize.G_2VCPU_8GB, DropletSize.G_4VCPU_16GB,
    DropletSize.C_2, DropletSize.C_4,
  ];

  /** A known size by slug, or a size slug this catalogue does not know yet (vCPU and memory unknown). */
  public static of(slug: string): DropletSize {
    return DropletSize.ALL.find((s) => s.slug === slug) ?? new DropletSize(slug, undefined, undefined);
  }

  private constructor(
    /** The size slug, as the DigitalOcean API names it. */
    public readonly slug: string,
    /** vCPUs, when the catalogue knows the size. */
    public readonly vcpus: number | undefined,
    /** Memory in MiB, when the catalogue knows the size. */
    public readonly memoryMib: number | undefined,
  ) {}

  public toString(): string {
    return this.slug;
  }
}
