package org.resnetspark.models;

/** The ResNet families of the papers, each with its layout and defaults. */
public enum Family {
    /** He et al. 2015, CIFAR (section 4.2): post-activation, 16/32/64 filters, option A shortcuts (B for bottlenecks). */
    RESNET("resnet", Order.POST, Shortcut.A, 16, new int[] {16, 32, 64}),
    /** The same layers without shortcuts (He et al. 2015, Figure 6). */
    PLAIN("plain", Order.POST, Shortcut.NONE, 16, new int[] {16, 32, 64}),
    /** He et al. 2016, "Identity Mappings": BN-ReLU before each convolution, projections where shapes change. */
    PREACT("preact", Order.PRE, Shortcut.B, 16, new int[] {16, 32, 64}),
    /** Zagoruyko and Komodakis 2016: pre-activation basic blocks at widths 16k/32k/64k. */
    WRN("wrn", Order.PRE, Shortcut.B, 16, new int[] {16, 32, 64}),
    /** He et al. 2015's ImageNet ResNet-18...152 on 32x32 inputs: 3x3 stride-1 stem, no max-pool. */
    IMAGENET("resnet", Order.POST, Shortcut.B, 64, new int[] {64, 128, 256, 512});

    /** Where batch norm and ReLU sit relative to each convolution. */
    public enum Order { POST, PRE }

    final String prefix;
    final Order order;
    final Shortcut defaultShortcut;
    final int stemWidth;
    final int[] stageWidths;

    Family(String prefix, Order order, Shortcut defaultShortcut, int stemWidth, int[] stageWidths) {
        this.prefix = prefix;
        this.order = order;
        this.defaultShortcut = defaultShortcut;
        this.stemWidth = stemWidth;
        this.stageWidths = stageWidths;
    }

    public Order order() {
        return order;
    }

    /**
     * The papers' shortcut: option A for He et al. 2015's CIFAR nets of basic blocks, projections
     * where shapes change (B) for bottlenecks, whose 4x expansion He et al. 2016 projects.
     */
    public Shortcut defaultShortcut(BlockType block) {
        return this == RESNET && block == BlockType.BOTTLENECK ? Shortcut.B : defaultShortcut;
    }
}
