package org.resnetspark.data;

/**
 * Derives independent seeds from a run's seed and counters (epoch, example index, ...), so that
 * every random draw depends only on what it is for, not on the order in which work is done:
 * an example gets the same augmentation in epoch 3 on any worker and in any partition.
 */
public final class Seeds {

    private Seeds() {
    }

    /** SplitMix64's finaliser over the seed and each part in turn. */
    public static long mix(long seed, long... parts) {
        long h = scramble(seed);
        for (long part : parts) {
            h = scramble(h ^ scramble(part + 0x9E3779B97F4A7C15L));
        }
        return h;
    }

    private static long scramble(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
