package picture

import "encoding/binary"

// gifPixels adds up the areas of a GIF's frames by walking its blocks, no
// pixel decompressed. ok is false for a file that does not parse.
func gifPixels(b []byte) (pixels int, ok bool) {
	if len(b) < 13 {
		return 0, false
	}
	i := 13
	if b[10]&0x80 != 0 { // global colour table
		i += 3 << (b[10]&7 + 1)
	}
	for i < len(b) {
		switch b[i] {
		case 0x3B: // trailer
			return pixels, true
		case 0x21: // extension: label, then sub-blocks
			if i+2 > len(b) {
				return pixels, false
			}
			i = skipSubBlocks(b, i+2)
		case 0x2C: // image descriptor
			if i+10 > len(b) {
				return pixels, false
			}
			pixels += int(binary.LittleEndian.Uint16(b[i+5:])) * int(binary.LittleEndian.Uint16(b[i+7:]))
			flags := b[i+9]
			i += 10
			if flags&0x80 != 0 { // local colour table
				i += 3 << (flags&7 + 1)
			}
			i = skipSubBlocks(b, i+1) // after the LZW minimum code size
		default:
			return pixels, false
		}
		if i < 0 {
			return pixels, false
		}
	}
	return pixels, true // no trailer: the decoder judges the rest
}

// skipSubBlocks returns the index after the sub-blocks starting at i, or
// -1 when they run past the end.
func skipSubBlocks(b []byte, i int) int {
	for i < len(b) {
		n := int(b[i])
		i++
		if n == 0 {
			return i
		}
		i += n
	}
	return -1
}
