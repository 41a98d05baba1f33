# -*- encoding: utf-8 -*-
# stub: nokogiri 1.14.2 x86_64-linux lib
# Hand-written for drydock after the installed specification RubyGems 3.4 writes.

Gem::Specification.new do |s|
  s.name = "nokogiri".freeze
  s.version = "1.14.2"
  s.platform = "x86_64-linux".freeze
  s.license = "MIT".freeze
  s.add_runtime_dependency(%q<racc>.freeze, ["~> 1.4"])
end
