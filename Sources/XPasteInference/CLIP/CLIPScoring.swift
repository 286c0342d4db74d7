/// Which image CLIP scores for a segmented object, and how it is brought to the model's input.
///
/// The two differ most on elongated objects: the cutout scoring's centre crop cuts off up to half
/// of such an object, X-Paste's never crops it.
public enum CLIPScoring: String, Sendable, Hashable, Codable, CaseIterable {
    /// X-Paste's (`segment_methods/reseg.py`): the whole source image with its binary mask
    /// (`mask > 128`, every component) composited on white in floating point, resized to the
    /// model's side with PyTorch's bicubic interpolation (a = −0.75, no antialiasing, as
    /// torchvision 0.11 resizes tensors), then CLIP's normalisation. X-Paste's images are square;
    /// a non-square source is first padded to a square with white, centred (the odd pixel goes to
    /// the bottom or right), so the object is never cropped off.
    case xpaste
    /// The stored cutout (cropped to the object, soft alpha) flattened on white, then OpenAI
    /// CLIP's preprocessing: Pillow bicubic resize of the shorter side, centre crop.
    case cutout
}
