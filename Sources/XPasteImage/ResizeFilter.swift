/// How `resized(width:height:filter:)` computes an output pixel from the source.
///
/// Every filter is exact against a named reference on 8-bit data, so results from Python
/// pipelines (CLIP preprocessing in Pillow, mask resizing in OpenCV) can be reproduced bit for bit.
public enum ResizeFilter: String, Sendable, Hashable, CaseIterable, Codable {
    /// Nearest neighbour, Pillow's `Image.NEAREST` sampling (pixel centres, `x_src = ⌊(x + ½)·in/out⌋`
    /// accumulated the way Pillow does). Never blends, so masks stay binary.
    case nearest
    /// Pillow's `Image.BILINEAR`: a triangle filter whose support widens with the downscale factor
    /// (antialiased), separable, 22-bit fixed point with the intermediate row rounded to 8 bits.
    case bilinear
    /// Pillow's `Image.BICUBIC` (Keys cubic, a = −0.5), support 2 × the downscale factor, same
    /// fixed-point machinery as `bilinear`. What CLIP's preprocessing uses.
    case bicubic
    /// Pillow's `Image.LANCZOS`: a 3-lobed windowed sinc, support 3 × the downscale factor, same
    /// fixed-point machinery as `bilinear`. What rembg uses to resize images for its segmenters
    /// and their masks back.
    case lanczos
    /// Pixel-area averaging, OpenCV's `INTER_AREA`. When neither axis grows it equals
    /// `cv2.resize(…, interpolation=cv2.INTER_AREA)` bit for bit. When an axis grows, OpenCV switches
    /// to two-tap weights equal to the covered fraction of each output pixel (on both axes); we use
    /// its weights in our 22-bit fixed point, so results are within ±1 of OpenCV's.
    case area
    /// OpenCV's `INTER_LINEAR`: two taps per axis, no antialiasing, equal to
    /// `cv2.resize(…, interpolation=cv2.INTER_LINEAR)` bit for bit (see `OpenCVLinearResampler`).
    /// RGBA is resized straight, every channel alone (not premultiplied), as OpenCV does: what
    /// X-Paste does to a cutout before pasting it.
    case linear
}
