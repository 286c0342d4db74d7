// Writing each LVIS element as compact JSON. Keys follow the order of the official LVIS files;
// absent optionals are left out rather than written as null, which the loaders would choke on.

extension LVISInfo {
    func write(to out: inout JSONOutput) {
        out.byte(0x7B)
        var first = true
        if let description { out.key("description", first: &first); out.string(description) }
        if let url { out.key("url", first: &first); out.string(url) }
        if let version { out.key("version", first: &first); out.string(version) }
        if let year { out.key("year", first: &first); out.int(year) }
        if let contributor { out.key("contributor", first: &first); out.string(contributor) }
        if let dateCreated { out.key("date_created", first: &first); out.string(dateCreated) }
        out.byte(0x7D)
    }
}

extension LVISLicense {
    func write(to out: inout JSONOutput) {
        out.byte(0x7B)
        var first = true
        out.key("id", first: &first); out.int(id)
        if let name { out.key("name", first: &first); out.string(name) }
        if let url { out.key("url", first: &first); out.string(url) }
        out.byte(0x7D)
    }
}

extension LVISImage {
    func write(to out: inout JSONOutput) {
        out.byte(0x7B)
        var first = true
        out.key("id", first: &first); out.int(id)
        out.key("width", first: &first); out.int(width)
        out.key("height", first: &first); out.int(height)
        if let fileName { out.key("file_name", first: &first); out.string(fileName) }
        if let cocoURL { out.key("coco_url", first: &first); out.string(cocoURL) }
        if let flickrURL { out.key("flickr_url", first: &first); out.string(flickrURL) }
        if let license { out.key("license", first: &first); out.int(license) }
        if let dateCaptured { out.key("date_captured", first: &first); out.string(dateCaptured) }
        if let negCategoryIDs { out.key("neg_category_ids", first: &first); out.intArray(negCategoryIDs) }
        if let notExhaustiveCategoryIDs {
            out.key("not_exhaustive_category_ids", first: &first); out.intArray(notExhaustiveCategoryIDs)
        }
        out.byte(0x7D)
    }
}

extension LVISAnnotation {
    func write(to out: inout JSONOutput) {
        out.byte(0x7B)
        var first = true
        out.key("id", first: &first); out.int(id)
        out.key("image_id", first: &first); out.int(imageID)
        out.key("category_id", first: &first); out.int(categoryID)
        out.key("segmentation", first: &first)
        switch segmentation {
        case .polygons(let rings):
            out.byte(0x5B)
            for (i, ring) in rings.enumerated() {
                if i > 0 { out.comma() }
                out.doubleArray(ring)
            }
            out.byte(0x5D)
        case .rle(let rle):
            out.byte(0x7B)
            var inner = true
            out.key("size", first: &inner)
            out.byte(0x5B); out.int(rle.height); out.comma(); out.int(rle.width); out.byte(0x5D)
            out.key("counts", first: &inner)
            switch rle.counts {
            case .compressed(let text): out.string(text)
            case .uncompressed(let runs): out.intArray(runs)
            }
            out.byte(0x7D)
        }
        out.key("area", first: &first); out.double(area)
        out.key("bbox", first: &first)
        out.byte(0x5B)
        out.double(bbox.x); out.comma(); out.double(bbox.y); out.comma()
        out.double(bbox.width); out.comma(); out.double(bbox.height)
        out.byte(0x5D)
        if let isCrowd { out.key("iscrowd", first: &first); out.int(isCrowd) }
        out.byte(0x7D)
    }
}

extension LVISCategory {
    func write(to out: inout JSONOutput) {
        out.byte(0x7B)
        var first = true
        out.key("id", first: &first); out.int(id)
        out.key("name", first: &first); out.string(name)
        if let synset { out.key("synset", first: &first); out.string(synset) }
        if let synonyms { out.key("synonyms", first: &first); out.stringArray(synonyms) }
        if let definition { out.key("def", first: &first); out.string(definition) }
        if let frequency { out.key("frequency", first: &first); out.string(frequency.rawValue) }
        if let imageCount { out.key("image_count", first: &first); out.int(imageCount) }
        if let instanceCount { out.key("instance_count", first: &first); out.int(instanceCount) }
        if let supercategory { out.key("supercategory", first: &first); out.string(supercategory) }
        out.byte(0x7D)
    }
}
