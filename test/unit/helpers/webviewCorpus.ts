// Markdown documents that exercise every block boundary the streaming renderer must get right.
export const CORPUS: Record<string, string> = {
  prose: `# Title

Some *emphasis*, **strong**, \`inline code\` and a [link](https://example.com "t").
A second line of the same paragraph, with https://auto.link.example/path and www.example.org.

Setext heading
==============

Another one
---

> A quote
continued lazily
> and more

> second quote

***

Last paragraph.`,

  lists: `- one
- two
  - nested a
  - nested b

    loose paragraph in nested

- three

1. first
2. second
10. tenth

3) paren list
4) next

para after list
- item interrupting paragraph
- another

* star list

  with paragraph

  \`\`\`js
  const inList = 1;

  const afterBlank = 2;
  \`\`\`
* next star

2. not a list start interrupting? no: after blank

text
2. cannot interrupt a paragraph`,

  tables: `| a | b | c |
|:--|:-:|--:|
| 1 | 2 | 3 |
| *x* | \`y\` | [z](http://z.example) |

after table

a | b
- | -
no | leading pipes

| not a table
without delimiter`,

  code: `Intro.

\`\`\`python
def f(x):

    return x * 2


print(f(3))
\`\`\`

\`\`\`ts
interface A { b: string }

const a: A = { b: '<script>alert(1)</script>' };
\`\`\`

    indented code

    more indented after blank

Text between.

~~~rust
fn main() {
    println!("hi");
}
~~~

\`\`\`\`md
\`\`\`
nested fence
\`\`\`
\`\`\`\`

\`\`\`
no language

\`\`\`

\`\`\`unknownlang
plain
\`\`\`

\`\`\`json
{"a": [1, 2, {"b": null}]}
\`\`\`

\`\`\`bash
echo "$HOME" | grep -v x
\`\`\`

\`\`\`diff
- old
+ new
\`\`\``,

  unterminated: `Before.

\`\`\`go
package main

func main() {

  fmt.Println("never closed")`,

  mixed: `## Steps

1. Install:

   \`\`\`sh
   npm install
   \`\`\`

2. Run:

       indented code inside list

3. Done.

> quote with code:
> \`\`\`css
> a { color: red }
> \`\`\`

Heading 3
### real h3 ###

- [ ] task-ish
- [x] done-ish

Line with trailing spaces  
hard break above. Escaped \\*stars\\* and entities &amp; &copy; &#x3C;.

<div>raw html is escaped</div>

<!-- comment -->

Final.
`,
  crlf: 'para one\r\n\r\n```js\r\nlet x = 1;\r\n\r\nlet y;\r\n```\r\n\r\n- a\r\n- b\r\n\r\nend\r\n',
  references: `See [the docs][docs] and [other].

Paragraph between.

[docs]: https://docs.example "Docs"
[other]: <https://other.example>

More after.`,
  emptyish: '\n\n\n   \n\nx\n\n\n',
};
