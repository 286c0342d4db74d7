"""xoshiro256** seeded by SplitMix64, transliterated from Vigna's reference C (xoshiro256starstar.c,
splitmix64.c), to pin the Swift generator's sequence: prints the first outputs for each seed given."""
import sys

M = (1 << 64) - 1


def splitmix(state):
    state = (state + 0x9E3779B97F4A7C15) & M
    z = state
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M
    return state, z ^ (z >> 31)


def rotl(x, k):
    return ((x << k) | (x >> (64 - k))) & M


for arg in sys.argv[1:]:
    seed = int(arg)
    s = []
    st = seed
    for _ in range(4):
        st, v = splitmix(st)
        s.append(v)
    out = []
    for _ in range(6):
        result = (rotl((s[1] * 5) & M, 7) * 9) & M
        t = (s[1] << 17) & M
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = rotl(s[3], 45)
        out.append(str(result))
    print(seed, " ".join(out))
