// Copyright ©2023 The go-pdf Authors. All rights reserved.
// Use of this source code is governed by a MIT-style
// license that can be found in the LICENSE file.

// bhxhdesk patch: a UTF-8 TrueType font registered from bytes is parsed once per process, not
// once per document. See PATCHES.md.

package fpdf

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"sync"
)

// utf8Shared is what registering a UTF-8 font and cutting its subset read from the font's
// bytes, the same for every document: computed once for each distinct font and then only read,
// by any number of documents at once.
type utf8Shared struct {
	data []byte        // the font file: a private copy, never written
	file *utf8FontFile // the font as parseFile leaves it; a document gets a copy (newFile)
	base *utf8CutBase  // what GenerateCutFont parses before it cuts

	mu      sync.Mutex
	ids     map[string]string            // generateFontID of the font's definition, by font key
	subsets map[string]*utf8SharedSubset // by their runes
}

// utf8SharedSubset is a subset of a shared font that documents embed when all their runes lie in
// it: cut, measured and compressed once.
type utf8SharedSubset struct {
	once  sync.Once
	runes map[int]bool
	cut   *utf8Cut
}

// utf8CutBase is what GenerateCutFont reads from the whole font before it looks at the runes
// used: the table directory, the Unicode cmap in both directions, the widths by rune and the
// glyph offsets. Maps and slices here are never written once built.
type utf8CutBase struct {
	tableDescriptions    map[string]*tableDescription
	charSymbolDictionary map[int]int
	charWidths           []int
	defaultWidth         float64
	symbolPosition       []int
}

// utf8SharedMax bounds the fonts kept: a program that registers fonts from ever new bytes
// parses the others for each document, as upstream does.
const utf8SharedMax = 16

var utf8SharedFonts struct {
	sync.Mutex
	m map[string]*utf8Shared // by the font's bytes
}

// sharedUTF8Font returns the parsed font of these bytes, parsing them the first time. It
// returns nil when the font does not parse (the caller reports it as upstream does) or when the
// cache is full.
func sharedUTF8Font(b []byte) *utf8Shared {
	utf8SharedFonts.Lock()
	s := utf8SharedFonts.m[string(b)]
	full := len(utf8SharedFonts.m) >= utf8SharedMax
	utf8SharedFonts.Unlock()
	if s != nil || full {
		return s
	}
	data := bytes.Clone(b)
	file := newUTF8Font(&fileReader{readerPosition: 0, array: data})
	if err := file.parseFile(); err != nil {
		return nil
	}
	s = &utf8Shared{data: data, file: file, ids: map[string]string{}, subsets: map[string]*utf8SharedSubset{}}
	s.base = newUTF8CutBase(data)

	utf8SharedFonts.Lock()
	defer utf8SharedFonts.Unlock()
	if old := utf8SharedFonts.m[string(data)]; old != nil {
		return old // parsed meanwhile by another document
	}
	if utf8SharedFonts.m == nil {
		utf8SharedFonts.m = map[string]*utf8Shared{}
	}
	utf8SharedFonts.m[string(data)] = s
	return s
}

// newFile returns the document's own copy of the parsed font: the fields are the parsed ones,
// the reader is its own, and GenerateCutFont reads the shared base instead of parsing again. The
// copy shares the parsed maps and slices, which neither the document nor GenerateCutFont write
// (GenerateCutFont replaces them).
func (s *utf8Shared) newFile() *utf8FontFile {
	f := *s.file
	f.fileReader = &fileReader{readerPosition: 0, array: s.data}
	f.base = s.base
	return &f
}

// id is generateFontID(def) for a definition made from this font, computed once per font key
// (the key is the only field of such a definition that is not the font's).
func (s *utf8Shared) id(def fontDefType) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	id, ok := s.ids[def.Name]
	if !ok {
		id, _ = generateFontID(def)
		s.ids[def.Name] = id
	}
	return id
}

// newUTF8CutBase runs the first steps of GenerateCutFont on the font, which depend on the font
// only.
func newUTF8CutBase(data []byte) *utf8CutBase {
	utf := newUTF8Font(&fileReader{readerPosition: 0, array: data})
	utf.skip(4)
	utf.generateTableDescriptions()

	utf.SeekTable("head")
	utf.skip(50)
	locaFormat := utf.readUint16()

	utf.SeekTable("hhea")
	utf.skip(34)
	metricsCount := utf.readUint16()

	utf.SeekTable("maxp")
	utf.skip(4)
	numSymbols := utf.readUint16()

	symbolCharDictionary := utf.generateCMAP()
	if symbolCharDictionary == nil {
		return nil // GenerateCutFont fails on this font for every document
	}
	utf.parseHMTXTable(metricsCount, numSymbols, symbolCharDictionary, 1.0)
	utf.parseLOCATable(locaFormat, numSymbols)
	return &utf8CutBase{
		tableDescriptions:    utf.tableDescriptions,
		charSymbolDictionary: utf.charSymbolDictionary,
		charWidths:           utf.CharWidths,
		defaultWidth:         utf.DefaultWidth,
		symbolPosition:       utf.symbolPosition,
	}
}

// SetUTF8FontSubset gives the runes that a document embeds of the UTF-8 font familyStr and
// styleStr, added before with AddUTF8FontFromBytes, when every rune it prints is one of them
// (bhxhdesk patch). Such documents embed the same subset of the font, which is cut, measured
// and compressed (at the best compression) once per process and shared; a document that prints
// any other rune cuts the subset of the runes it uses, as without this call. Documents that
// print few runes are larger with a shared subset, but much faster to write.
func (f *Fpdf) SetUTF8FontSubset(familyStr, styleStr, runes string) {
	if f.err != nil {
		return
	}
	key := getFontKey(fontFamilyEscape(familyStr), styleStr)
	def, ok := f.fonts[key]
	if !ok || def.Tp != "UTF8" {
		f.err = fmt.Errorf("undefined UTF-8 font: %s %s", familyStr, styleStr)
		return
	}
	def.subset = runes
	f.fonts[key] = def
}

// sharedCut returns the shared subset of the font when every rune of usedRunes lies in it, and
// nil when the font has none or a rune lies outside it.
func (font *fontDefType) sharedCut(usedRunes map[int]int) *utf8Cut {
	if font.shared == nil || font.subset == "" {
		return nil
	}
	sub := font.shared.subset(font, font.subset)
	if sub.cut == nil {
		return nil
	}
	for _, r := range usedRunes {
		if r != 0 && !sub.runes[r] { // 0: a slot that no text used
			return nil
		}
	}
	return sub.cut
}

// subset returns the shared subset of these runes, cutting it the first time.
func (s *utf8Shared) subset(font *fontDefType, runes string) *utf8SharedSubset {
	s.mu.Lock()
	sub := s.subsets[runes]
	if sub == nil {
		sub = &utf8SharedSubset{}
		s.subsets[runes] = sub
	}
	s.mu.Unlock()
	sub.once.Do(func() {
		// Cut as for a document that printed every rune of the subset: the used runes start
		// as a document's do, with the slots of the first runes.
		used := makeSubsetRange(57)
		delete(used, 0)
		set := make(map[int]bool)
		for _, r := range runes {
			used[int(r)] = int(r)
			set[int(r)] = true
		}
		def := *font
		def.usedRunes = used
		def.utf8File = s.newFile()
		cut := cutUTF8Font(&def, used, zlib.BestCompression)
		sub.runes, sub.cut = set, cut
	})
	return sub
}
